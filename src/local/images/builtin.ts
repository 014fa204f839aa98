import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ImageEntries } from './image-map.js';

/** The seed's image: every tag runs Kanary's TypeScript sample app. */
export const SEED_SAMPLE_APP_REPOSITORY = 'ghcr.io/jhandguy/canary-deployment/sample-app';

/**
 * Built-in entries. The sample app runs with the current node and tsx's loader, both given as absolute locations
 * so the pod's working directory does not matter.
 */
export function builtinImageEntries(): ImageEntries {
  const sampleApp = fileURLToPath(new URL('../../../examples/sample-app/src/main.ts', import.meta.url));
  return {
    [SEED_SAMPLE_APP_REPOSITORY]: {
      command: [process.execPath],
      args: ['--import', tsxLoader(), sampleApp],
    },
  };
}

function tsxLoader(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    return 'tsx';
  }
}
