import { Command } from '@commander-js/extra-typings';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { loadCommand } from './commands/load.js';
import { evaluateCommand } from './commands/evaluate.js';
import { lintCommand } from './commands/lint.js';
import { conditionCheck } from '../analysis/lint-conditions.js';
import { crdsCommand } from './commands/crds.js';
import { analyzeCommand } from './commands/analyze.js';
import { controllerCommand } from './commands/controller.js';
import { rolloutCommands } from './commands/rollouts/index.js';
import { downCommand, serverCommand } from './commands/server.js';
import { logsCommand } from './commands/logs.js';
import { demoCommand } from './commands/demo.js';

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
  program.addCommand(lintCommand([conditionCheck]));
  program.addCommand(crdsCommand());
  program.addCommand(analyzeCommand());
  program.addCommand(controllerCommand());
  program.addCommand(serverCommand());
  program.addCommand(downCommand());
  program.addCommand(logsCommand());
  program.addCommand(demoCommand());
  for (const verb of rolloutCommands(program)) program.addCommand(verb);
  applyUsageExitCodes(program);
  return program;
}

/**
 * `addCommand` does not pass the root's settings down, so every verb gets them here: help and version exit 0,
 * usage errors exit 2 with the help shown after the error.
 */
function applyUsageExitCodes(cmd: CommandUnknownOpts): void {
  for (const sub of cmd.commands) {
    sub.showHelpAfterError().exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    });
    applyUsageExitCodes(sub);
  }
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
