import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { CliContext } from './context.js';

/**
 * `kanary dashboard`: prints the dashboard's URL with the write token in the fragment (`#token=...`, never sent to
 * the server, never in logs), so a browser on this machine is signed in without pasting anything; opens it when
 * a browser opener is found, unless `--no-open`.
 */
export function dashboardCommand(ctx: () => CliContext) {
  return new Command('dashboard')
    .description('print the dashboard URL (with the token in its #fragment) and open it in a browser')
    .option('--no-open', 'only print the URL')
    .action((opts) => {
      const c = ctx();
      const url = dashboardUrl(c.client.url, c.token);
      c.out.write(`Kanary dashboard: ${url}\n`);
      if (!opts.open) return;
      const opener = findOpener(c.env);
      if (opener === undefined) {
        c.out.write('No browser opener found (xdg-open, open); open the URL above yourself.\n');
        return;
      }
      const child = spawn(opener, [url], { detached: true, stdio: 'ignore' });
      child.on('error', () => undefined);
      child.unref();
    });
}

export function dashboardUrl(serverUrl: string, token: string | undefined): string {
  const base = `${serverUrl.replace(/\/$/, '')}/`;
  return token === undefined || token === '' ? base : `${base}#token=${encodeURIComponent(token)}`;
}

function findOpener(env: NodeJS.ProcessEnv): string | undefined {
  if (env.BROWSER !== undefined && env.BROWSER !== '') return env.BROWSER;
  const names =
    process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? [] : ['xdg-open', 'sensible-browser'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const n of names) if (dir !== '' && existsSync(join(dir, n))) return join(dir, n);
  }
  return undefined;
}
