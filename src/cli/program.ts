import { Command } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { loadCommand } from './commands/load.js';
import { evaluateCommand } from './commands/evaluate.js';
import { lintCommand } from './commands/lint.js';
import { crdsCommand } from './commands/crds.js';

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
  program.addCommand(loadCommand());
  program.addCommand(evaluateCommand());
  program.addCommand(lintCommand());
  program.addCommand(crdsCommand());
  return program;
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
