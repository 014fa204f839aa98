import { Command, Option } from '@commander-js/extra-typings';
import type { Rollout } from '../../../api/index.js';
import { KanaryError } from '../../../common/index.js';
import { namespaceOption, outputOption, type CliContext, type OutputFormat } from './context.js';

/**
 * The verbs that write intent on a Rollout through the server's operations (`POST .../rollouts/NAME/OP`); the
 * controller acts on it. Each prints Argo's one-line confirmation, or the updated Rollout with `-o`.
 */

interface OperationCall {
  ns: string;
  name: string;
  op: string;
  body: unknown;
  /** The confirmation printed without `-o`. */
  text: string;
  output: OutputFormat | undefined;
}

async function operate(c: CliContext, call: OperationCall): Promise<void> {
  const ro = await c.client.operate<Rollout>(call.ns, call.name, call.op, call.body);
  // The API's YAML is loaded only when asked for: the one-line confirmation needs none of it.
  c.out.write(
    call.output === undefined ? `${call.text}\n` : await (await import('./output.js')).formatOutput(ro, call.output),
  );
}

export function promoteCommand(ctx: () => CliContext) {
  return new Command('promote')
    .description('finish the current step (or unpause); --full skips every remaining step, pause and analysis')
    .argument('<rollout>', 'the rollout')
    .option('--full', 'skip every remaining step')
    .addOption(namespaceOption())
    .addOption(outputOption())
    .action(async (name, opts) => {
      const full = opts.full === true;
      await operate(ctx(), {
        ns: opts.namespace,
        name: name,
        op: 'promote',
        body: { full },
        text: `rollout '${name}' ${full ? 'fully promoted' : 'promoted'}`,
        output: opts.output,
      });
    });
}

/** A verb that takes just the rollout's name and posts one operation with an empty body. */
function nameOnlyCommand(verb: string, description: string, done: string, ctx: () => CliContext) {
  return new Command(verb)
    .description(description)
    .argument('<rollout>', 'the rollout')
    .addOption(namespaceOption())
    .addOption(outputOption())
    .action(async (name, opts) => {
      await operate(ctx(), {
        ns: opts.namespace,
        name,
        op: verb,
        body: {},
        text: `rollout '${name}' ${done}`,
        output: opts.output,
      });
    });
}

export function abortCommand(ctx: () => CliContext) {
  return nameOnlyCommand(
    'abort',
    'send all traffic back to stable and scale the canary down; the rollout becomes Degraded',
    'aborted',
    ctx,
  );
}

export function pauseCommand(ctx: () => CliContext) {
  return nameOnlyCommand('pause', 'pause a rollout (spec.paused); promote resumes it', 'paused', ctx);
}

export function resumeCommand(ctx: () => CliContext) {
  return nameOnlyCommand(
    'resume',
    'clear a manual pause (spec.paused) without promoting past a pause step',
    'resumed',
    ctx,
  );
}

export function retryCommand(ctx: () => CliContext) {
  return new Command('retry')
    .description('retry an aborted rollout from its first step (retry rollout NAME)')
    .argument('<kind>', 'rollout')
    .argument('<name>', 'the rollout')
    .addOption(namespaceOption())
    .addOption(outputOption())
    .action(async (kind, name, opts) => {
      if (!['rollout', 'rollouts', 'ro'].includes(kind)) {
        throw new KanaryError('BAD_USAGE', `kanary retry knows "rollout", not "${kind}": kanary retry rollout ${name}`);
      }
      await operate(ctx(), {
        ns: opts.namespace,
        name: name,
        op: 'retry',
        body: {},
        text: `rollout '${name}' retried`,
        output: opts.output,
      });
    });
}

export function undoCommand(ctx: () => CliContext) {
  return new Command('undo')
    .description('roll back to a previous revision (default: the one before the current)')
    .argument('<rollout>', 'the rollout')
    .addOption(new Option('--to-revision <n>', 'the revision to go back to (0: the previous one)').default('0'))
    .addOption(namespaceOption())
    .addOption(outputOption())
    .action(async (name, opts) => {
      const n = Number(opts.toRevision);
      if (!Number.isInteger(n) || n < 0) {
        throw new KanaryError('BAD_USAGE', `--to-revision "${opts.toRevision}" must be a whole number ≥ 0`);
      }
      await operate(ctx(), {
        ns: opts.namespace,
        name: name,
        op: 'undo',
        body: n === 0 ? {} : { toRevision: n },
        text: `rollout '${name}' undo`,
        output: opts.output,
      });
    });
}

export function restartCommand(ctx: () => CliContext) {
  return new Command('restart')
    .description('restart every pod of the rollout (spec.restartAt), now or after --in')
    .argument('<rollout>', 'the rollout')
    .option('-i, --in <duration>', 'restart after this long (30s, 5m)')
    .addOption(namespaceOption())
    .addOption(outputOption())
    .action(async (name, opts) => {
      const ms = opts.in === undefined ? 0 : (await import('./output.js')).durationArg('--in', opts.in);
      await operate(ctx(), {
        ns: opts.namespace,
        name: name,
        op: 'restart',
        body: { inSeconds: Math.round(ms / 1000) },
        text: `rollout '${name}' restarts${ms > 0 ? ` in ${opts.in ?? ''}` : ''}`,
        output: opts.output,
      });
    });
}

export function setCommand(ctx: () => CliContext) {
  const image = new Command('image')
    .description('set a container image, starting a new revision (CONTAINER=IMAGE, or *=IMAGE for every container)')
    .argument('<rollout>', 'the rollout')
    .argument('<assignment>', 'CONTAINER=IMAGE')
    .addOption(namespaceOption())
    .addOption(outputOption())
    .action(async (name, assignment, opts) => {
      const eq = assignment.indexOf('=');
      if (eq <= 0 || eq === assignment.length - 1) {
        throw new KanaryError('BAD_USAGE', `"${assignment}" is not CONTAINER=IMAGE (e.g. app=registry/app:2.0.0)`);
      }
      const container = assignment.slice(0, eq);
      const img = assignment.slice(eq + 1);
      await operate(ctx(), {
        ns: opts.namespace,
        name: name,
        op: 'set-image',
        body: { container, image: img },
        text: `rollout '${name}' image updated`,
        output: opts.output,
      });
    });
  return new Command('set').description('change a rollout (set image)').addCommand(image);
}
