import { Command } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import type { CliContext } from './context.js';

/** `kanary version [--short]`: the CLI's version and, unless short, the server's health. */
export function versionCommand(ctx: () => CliContext) {
  return new Command('version')
    .description('print the version of the CLI (and whether the server answers)')
    .option('--short', 'the version number only')
    .action(async (opts) => {
      const c = ctx();
      const v = packageVersion();
      if (opts.short === true) {
        c.out.write(`${v}\n`);
        return;
      }
      c.out.write(`kanary: v${v}\n`);
      const up = await c.client.request('GET', '/api/v1/healthz').then(
        () => true,
        () => false,
      );
      c.out.write(`server: ${c.client.url} (${up ? 'reachable' : 'not reachable'})\n`);
    });
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
