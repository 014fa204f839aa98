import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { applyCommand, deleteCommand } from './apply.js';
import { completionCommand } from './completion.js';
import { defaultContext, type CliContext } from './context.js';
import { dashboardCommand } from './dashboard.js';
import { getCommand } from './get.js';
import { listCommand } from './list.js';
import {
  abortCommand,
  pauseCommand,
  promoteCommand,
  restartCommand,
  resumeCommand,
  retryCommand,
  setCommand,
  undoCommand,
} from './operations.js';
import { statusCommand } from './status.js';
import { versionCommand } from './version.js';

/**
 * The verbs that talk to a Kanary server (kubectl-argo-rollouts parity): get, list, set image, promote, abort,
 * retry, pause, resume, undo, restart, status, apply, delete, dashboard, version, completion. The context (client,
 * output, environment) is built when a verb runs, so `--help` never touches the network or the state dir.
 */
export function rolloutCommands(
  root: CommandUnknownOpts,
  ctx: () => CliContext = defaultContext,
): CommandUnknownOpts[] {
  return [
    getCommand(ctx),
    listCommand(ctx),
    setCommand(ctx),
    promoteCommand(ctx),
    abortCommand(ctx),
    retryCommand(ctx),
    pauseCommand(ctx),
    resumeCommand(ctx),
    undoCommand(ctx),
    restartCommand(ctx),
    statusCommand(ctx),
    applyCommand(ctx),
    deleteCommand(ctx),
    dashboardCommand(ctx),
    versionCommand(ctx),
    completionCommand(ctx, () => root),
  ] as CommandUnknownOpts[];
}

export { STATUS_EXIT, statusExitCode } from './status.js';
export { dashboardUrl } from './dashboard.js';
export { bashCompletion, zshCompletion, completionTree } from './completion.js';
export type { CliContext } from './context.js';
