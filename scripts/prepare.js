// Runs after `npm ci`/`npm install`: builds the dashboard bundle when its sources and Vite are present.
// The TypeScript sources themselves run through tsx (see docs/adr/0001-architecture.md), so nothing else is built.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const webConfig = join(root, 'src', 'web', 'vite.config.ts');
const viteBin = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
if (existsSync(webConfig) && existsSync(viteBin)) {
  const r = spawnSync(process.execPath, [viteBin, 'build', '--config', webConfig, '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
