import { Command } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';

/**
 * The composition root of the CLI: every verb registers itself here, one `addCommand` per verb folder.
 */
export function buildProgram(): Command {
  const program = new Command('kanary')
    .description('Progressive delivery: canary rollouts with automated analysis, speaking the Argo Rollouts API.')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError()
    .exitOverride((err) => {
      // Help and version exit 0; usage errors exit 2.
      process.exit(err.exitCode === 0 ? 0 : 2);
    });
  return program;
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
