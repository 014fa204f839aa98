import { Command, Help } from '@commander-js/extra-typings';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import type { CliContext } from './commands/rollouts/context.js';

/**
 * One verb of the CLI as the root's help lists it, and how to build the real command. Building a verb imports its
 * implementation (the API schemas, the local cluster, the analysis engine...), which costs far more than
 * commander itself, so the root builds only the verb a command line invokes; the others stay cheap placeholders
 * carrying the name, description and usage term the root's help and its "did you mean" suggestions need.
 * `program.test.ts` checks every entry against the real command, so a verb edited without its entry fails there.
 */
export interface VerbEntry {
  readonly name: string;
  /** The usage term the root's help shows, e.g. `get [options] <kind> [name]`. */
  readonly term: string;
  readonly description: string;
  readonly load: (root: CommandUnknownOpts) => Promise<CommandUnknownOpts>;
}

/** The context of the verbs over a server, resolved when a verb runs (`--help` never touches the state dir). */
async function rolloutContext(): Promise<() => CliContext> {
  return (await import('./commands/rollouts/context.js')).defaultContext;
}

/** The composition root's verb table, in the order the root's help lists them. */
export const VERBS: readonly VerbEntry[] = [
  {
    name: 'load',
    term: 'load [options] [url]',
    description:
      "k6-style load test with the seed's checks and thresholds; default profile 1 → 20 it/s over 40s, → 0 over 20s",
    load: async () => (await import('./commands/load.js')).loadCommand(),
  },
  {
    name: 'evaluate',
    term: 'evaluate [options]',
    description:
      'Assess a measurement result against successCondition/failureCondition as Argo Rollouts would; prints Successful, Failed, Inconclusive or Error',
    load: async () => (await import('./commands/evaluate.js')).evaluateCommand(),
  },
  {
    name: 'lint',
    term: 'lint [options]',
    description: 'validate Rollout, AnalysisTemplate and related manifests offline, with file:line:col findings',
    load: async () => {
      const [{ lintCommand }, { conditionCheck }] = await Promise.all([
        import('./commands/lint.js'),
        import('../analysis/lint-conditions.js'),
      ]);
      return lintCommand([conditionCheck]);
    },
  },
  {
    name: 'crds',
    term: 'crds',
    description: 'print the CustomResourceDefinitions for the Argo Rollouts kinds (pipe to kubectl apply -f -)',
    load: async () => (await import('./commands/crds.js')).crdsCommand(),
  },
  {
    name: 'analyze',
    term: 'analyze [options]',
    description:
      'Run an AnalysisTemplate in the foreground against live providers (e.g. your Prometheus); exit 0 Successful, 1 Failed, 2 Error, 3 Inconclusive, 4 could not start',
    load: async () => (await import('./commands/analyze.js')).analyzeCommand(),
  },
  {
    name: 'controller',
    term: 'controller [options]',
    description: 'run the Rollout and AnalysisRun controllers against a Kubernetes cluster',
    load: async () => (await import('./commands/controller.js')).controllerCommand(),
  },
  {
    name: 'server',
    term: 'server [options]',
    description: 'run a local cluster (controllers, API, dashboard; router and pods as their own processes)',
    load: async () => (await import('./commands/server.js')).serverCommand(),
  },
  {
    name: 'down',
    term: 'down [options]',
    description: 'stop the local cluster of a state dir: server, pods and router',
    load: async () => (await import('./commands/server.js')).downCommand(),
  },
  {
    name: 'logs',
    term: 'logs [options] <pod>',
    description: "print a pod's logs (local mode)",
    load: async () => (await import('./commands/logs.js')).logsCommand(),
  },
  {
    name: 'demo',
    term: 'demo [options]',
    description: "run the seed article's canary story end to end on a temporary local cluster (about a minute)",
    load: async () => (await import('./commands/demo.js')).demoCommand(),
  },
  {
    name: 'get',
    term: 'get [options] <kind> [name]',
    description: 'show a rollout as a tree (get rollout NAME [--watch]) or any objects (get KIND [NAME] -o yaml)',
    load: async () => (await import('./commands/rollouts/get.js')).getCommand(await rolloutContext()),
  },
  {
    name: 'list',
    term: 'list [options] <what>',
    description: 'list rollouts as a table',
    load: async () => (await import('./commands/rollouts/list.js')).listCommand(await rolloutContext()),
  },
  {
    name: 'set',
    term: 'set',
    description: 'change a rollout (set image)',
    load: async () => (await import('./commands/rollouts/operations.js')).setCommand(await rolloutContext()),
  },
  {
    name: 'promote',
    term: 'promote [options] <rollout>',
    description: 'finish the current step (or unpause); --full skips every remaining step, pause and analysis',
    load: async () => (await import('./commands/rollouts/operations.js')).promoteCommand(await rolloutContext()),
  },
  {
    name: 'abort',
    term: 'abort [options] <rollout>',
    description: 'send all traffic back to stable and scale the canary down; the rollout becomes Degraded',
    load: async () => (await import('./commands/rollouts/operations.js')).abortCommand(await rolloutContext()),
  },
  {
    name: 'retry',
    term: 'retry [options] <kind> <name>',
    description: 'retry an aborted rollout from its first step (retry rollout NAME)',
    load: async () => (await import('./commands/rollouts/operations.js')).retryCommand(await rolloutContext()),
  },
  {
    name: 'pause',
    term: 'pause [options] <rollout>',
    description: 'pause a rollout (spec.paused); promote resumes it',
    load: async () => (await import('./commands/rollouts/operations.js')).pauseCommand(await rolloutContext()),
  },
  {
    name: 'resume',
    term: 'resume [options] <rollout>',
    description: 'clear a manual pause (spec.paused) without promoting past a pause step',
    load: async () => (await import('./commands/rollouts/operations.js')).resumeCommand(await rolloutContext()),
  },
  {
    name: 'undo',
    term: 'undo [options] <rollout>',
    description: 'roll back to a previous revision (default: the one before the current)',
    load: async () => (await import('./commands/rollouts/operations.js')).undoCommand(await rolloutContext()),
  },
  {
    name: 'restart',
    term: 'restart [options] <rollout>',
    description: 'restart every pod of the rollout (spec.restartAt), now or after --in',
    load: async () => (await import('./commands/rollouts/operations.js')).restartCommand(await rolloutContext()),
  },
  {
    name: 'status',
    term: 'status [options] <rollout>',
    description: 'wait for a rollout to finish: exit 0 Healthy, 1 Degraded, 2 timed out (see docs/cli.md)',
    load: async () => (await import('./commands/rollouts/status.js')).statusCommand(await rolloutContext()),
  },
  {
    name: 'apply',
    term: 'apply [options]',
    description: 'create or replace objects from YAML files or directories',
    load: async () => (await import('./commands/rollouts/apply.js')).applyCommand(await rolloutContext()),
  },
  {
    name: 'delete',
    term: 'delete [options] <kind> <name>',
    description: 'delete an object (delete KIND NAME)',
    load: async () => (await import('./commands/rollouts/apply.js')).deleteCommand(await rolloutContext()),
  },
  {
    name: 'dashboard',
    term: 'dashboard [options]',
    description: 'print the dashboard URL (with the token in its #fragment) and open it in a browser',
    load: async () => (await import('./commands/rollouts/dashboard.js')).dashboardCommand(await rolloutContext()),
  },
  {
    name: 'version',
    term: 'version [options]',
    description: 'print the version of the CLI (and whether the server answers)',
    load: async () => (await import('./commands/rollouts/version.js')).versionCommand(await rolloutContext()),
  },
  {
    name: 'completion',
    term: 'completion <shell>',
    description: 'print a shell completion script: source <(kanary completion bash|zsh)',
    load: async (root) =>
      (await import('./commands/rollouts/completion.js')).completionCommand(await rolloutContext(), () => root),
  },
];

/**
 * The verbs a command line needs built for real: the first word that is not an option (and, after `help`, the
 * verb it asks about). `completion` walks every verb's options, so it needs them all. Building more than needed
 * only costs time: a placeholder and the real command look the same in the root's help.
 */
export function verbsToLoad(args: readonly string[]): ReadonlySet<string> {
  const words = args.filter((a) => !a.startsWith('-'));
  const [first, second] = words;
  if (first === 'completion') return new Set(VERBS.map((v) => v.name));
  if (first === 'help' && second !== undefined) return new Set([second]);
  return new Set(first === undefined ? [] : [first]);
}

/**
 * The composition root of the CLI: one entry per verb in `VERBS`. `argv` is `process.argv` (node, script, args...);
 * the verbs it invokes are built for real, the rest as placeholders (`load: 'all'` builds every verb).
 */
export async function buildProgram(argv: readonly string[] | 'all' = process.argv): Promise<Command> {
  const wanted = argv === 'all' ? new Set(VERBS.map((v) => v.name)) : verbsToLoad(argv.slice(2));
  const placeholderTerms = new WeakMap<CommandUnknownOpts, string>();
  const program = new Command('kanary')
    .description('Progressive delivery: canary rollouts with automated analysis, speaking the Argo Rollouts API.')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError()
    .configureHelp({
      subcommandTerm: (cmd) => placeholderTerms.get(cmd) ?? Help.prototype.subcommandTerm.call(new Help(), cmd),
    })
    .exitOverride((err) => {
      // Help and version exit 0; usage errors exit 2.
      process.exit(err.exitCode === 0 ? 0 : 2);
    });
  const built = await Promise.all(
    VERBS.map(async (verb) => {
      if (wanted.has(verb.name)) return verb.load(program);
      const placeholder = new Command(verb.name).description(verb.description);
      placeholderTerms.set(placeholder, verb.term);
      return placeholder;
    }),
  );
  for (const cmd of built) program.addCommand(cmd);
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
