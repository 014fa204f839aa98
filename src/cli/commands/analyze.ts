import { Command } from '@commander-js/extra-typings';
import type { AnalysisPhase, AnalysisRun, AnalysisRunStatus, Argument, Measurement } from '../../api/index.js';
import { loadPaths, objectsOf } from '../../api/index.js';
import { buildAnalysisRun, isCompleted, type AnyAnalysisTemplate } from '../../analysis/engine/index.js';
import { describeJudgeResult, formatEvidence, parseJudgeResult } from '../../analysis/judge/index.js';
import type { JudgeArmResult } from '../../analysis/judge/index.js';
import { createProviderRegistry, registerKanaryProviders } from '../../analysis/providers/index.js';
import type { ProviderRegistry } from '../../analysis/providers/index.js';
import { KanaryError, toKanaryError } from '../../common/index.js';
import { runAnalysisPass } from '../../controller/analysis/index.js';
import { realClock } from '../../controller/runtime/index.js';

/**
 * `kanary analyze -f TEMPLATE.yaml`: builds an AnalysisRun from the template(s) in the file and runs it in the
 * foreground with the real engine and providers, printing one line per measurement and then the run's phase and
 * message. Exit 0 Successful, 1 Failed, 2 Error, 3 Inconclusive, 4 when the run could not be started (bad template or
 * args). Ctrl-C terminates the run as Argo does (`spec.terminate`); a second Ctrl-C aborts at once (exit 130).
 */

export const ANALYZE_EXIT_CODES: Readonly<Record<AnalysisPhase, number>> = {
  Successful: 0,
  Failed: 1,
  Error: 2,
  Inconclusive: 3,
  Running: 4,
  Pending: 4,
};
const CANNOT_START = 4;

function parseArgPairs(pairs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new KanaryError(
        'BAD_USAGE',
        `--arg ${JSON.stringify(pair)} is not NAME=VALUE; for example --arg service=canary`,
      );
    }
    out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}

function loadTemplates(file: string): AnyAnalysisTemplate[] {
  const loaded = loadPaths([file]);
  const problems = [...loaded.diagnostics, ...loaded.documents.flatMap((d) => d.diagnostics)].filter(
    (d) => d.severity === 'error',
  );
  if (problems.length > 0) {
    const lines = problems.map((d) => `${d.path}:${d.line}:${d.col}: ${d.message}`);
    throw new KanaryError('INVALID_SPEC', `${file} has errors:\n${lines.join('\n')}`);
  }
  const templates = objectsOf(loaded.documents).filter(
    (o): o is AnyAnalysisTemplate => o.kind === 'AnalysisTemplate' || o.kind === 'ClusterAnalysisTemplate',
  );
  if (templates.length === 0) {
    throw new KanaryError('INVALID_SPEC', `${file} holds no AnalysisTemplate or ClusterAnalysisTemplate`);
  }
  return templates;
}

/** The run, plus the values of secret-backed args given on the command line (kept secret: redacted in output). */
export function runFromTemplates(
  templates: AnyAnalysisTemplate[],
  given: ReadonlyMap<string, string>,
): { run: AnalysisRun; secrets: Record<string, string> } {
  const secretArgs = new Set(
    templates.flatMap((t) => (t.spec.args ?? []).filter((a) => a.valueFrom?.secretKeyRef).map((a) => a.name)),
  );
  const secrets: Record<string, string> = {};
  const args: Argument[] = [];
  for (const [name, value] of given) {
    if (secretArgs.has(name)) secrets[name] = value;
    else args.push({ name, value });
  }
  const first = templates[0];
  const name = `${first?.metadata.name ?? 'analysis'}-analyze`;
  const run = buildAnalysisRun([templates[0] as AnyAnalysisTemplate], args, {
    name,
    namespace: first?.metadata.namespace ?? 'default',
    findTemplate: (ref) =>
      templates.find(
        (t) =>
          t.metadata.name === ref.templateName &&
          (t.kind === 'ClusterAnalysisTemplate') === (ref.clusterScope === true),
      ),
  });
  for (const arg of run.spec.args ?? []) {
    const ref = arg.valueFrom?.secretKeyRef;
    if (ref !== undefined && secrets[arg.name] === undefined) {
      throw new KanaryError(
        'BAD_USAGE',
        `args.${arg.name} comes from secret "${ref.name}" (key "${ref.key}"), which kanary analyze cannot read: pass --arg ${arg.name}=VALUE`,
      );
    }
  }
  return { run, secrets };
}

export function formatMeasurementLine(metricName: string, m: Measurement): string {
  const time = m.finishedAt ?? m.startedAt ?? '';
  const parts = [time, metricName, m.phase, m.value ?? '-'];
  if (m.message !== undefined && m.message !== '') parts.push(m.message);
  return parts.join('  ');
}

function armSummary(arm: JudgeArmResult): string {
  const rate = arm.errorRate === null ? 'n/a' : `${(100 * arm.errorRate).toFixed(1)}%`;
  return `${rate} (${arm.errors}/${arm.requests})`;
}

/**
 * A judge measurement: the evidence against its threshold (1/α) with the verdict, then each arm's error rate and
 * counts since the baseline, e.g. `… judge Successful  evidence 3.2 / 20 (continue)  canary 2.1% (4/190) vs
 * stable 0.5% (1/201)`. A measurement without a judge result (an Error) is printed as any other.
 */
export function formatJudgeMeasurementLine(metricName: string, m: Measurement): string {
  const result = parseJudgeResult(m.value);
  if (result === undefined) return formatMeasurementLine(metricName, m);
  const time = m.finishedAt ?? m.startedAt ?? '';
  const evidence = `evidence ${formatEvidence(result.eValue)} / ${formatEvidence(result.threshold)} (${result.verdict})`;
  const arms = `canary ${armSummary(result.canary)} vs stable ${armSummary(result.stable)}`;
  const parts = [time, metricName, m.phase, evidence, arms];
  if (m.message !== undefined && m.message !== '') parts.push(m.message);
  return parts.join('  ');
}

/** Names of the run's metrics whose provider is the judge. */
export function judgeMetricsOf(run: AnalysisRun): Set<string> {
  return new Set(run.spec.metrics.filter((m) => m.provider.judge !== undefined).map((m) => m.name));
}

/**
 * After a Failed run: one line per judge metric that failed, explaining its last verdict in words
 * (`describeJudgeResult`). Empty when the run did not fail or the judge was not the reason.
 */
export function judgeExplanations(status: AnalysisRunStatus, judgeMetrics: ReadonlySet<string>): string[] {
  if (status.phase !== 'Failed') return [];
  const lines: string[] = [];
  for (const result of status.metricResults ?? []) {
    if (!judgeMetrics.has(result.name) || result.phase !== 'Failed') continue;
    const last = [...(result.measurements ?? [])].reverse().find((m) => parseJudgeResult(m.value) !== undefined);
    const judged = parseJudgeResult(last?.value);
    if (judged !== undefined) lines.push(`${result.name}: ${describeJudgeResult(judged)}`);
  }
  return lines;
}

export function analyzeCommand(): Command {
  return new Command('analyze')
    .description(
      'Run an AnalysisTemplate in the foreground against live providers (e.g. your Prometheus); ' +
        'exit 0 Successful, 1 Failed, 2 Error, 3 Inconclusive, 4 could not start',
    )
    .requiredOption('-f, --filename <file>', 'YAML file with the AnalysisTemplate (and any templates it nests)')
    .option('--arg <name=value>', 'value of a template argument (repeatable)', collect, [] as string[])
    .option('--prometheus-address <url>', "replaces every prometheus metric's address, e.g. http://127.0.0.1:9090")
    .action(async (opts) => {
      let run: AnalysisRun;
      let secrets: Record<string, string>;
      try {
        ({ run, secrets } = runFromTemplates(loadTemplates(opts.filename), parseArgPairs(opts.arg)));
      } catch (err) {
        process.stderr.write(`error: ${toKanaryError(err).message}\n`);
        process.exitCode = CANNOT_START;
        return;
      }
      const phase = await runInForeground(run, secrets, opts.prometheusAddress);
      process.exitCode = ANALYZE_EXIT_CODES[phase];
    });
}

async function runInForeground(
  start: AnalysisRun,
  secrets: Record<string, string>,
  prometheusAddress: string | undefined,
): Promise<AnalysisPhase> {
  // router and judge read the local router (env KANARY_ROUTER_URL, or each metric's address).
  const providers = registerKanaryProviders(
    createProviderRegistry({
      prometheus: prometheusAddress === undefined ? {} : { addressOverride: prometheusAddress },
    }),
  );
  const abort = new AbortController();
  let interrupts = 0;
  let terminate: (() => void) | undefined;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('terminating the run (Ctrl-C again to abort at once)\n');
      terminate?.();
    } else {
      abort.abort();
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  try {
    return await analyzeInForeground(start, {
      providers,
      secrets,
      signal: abort.signal,
      write: (line) => process.stdout.write(`${line}\n`),
      onTerminator: (fn) => (terminate = fn),
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export interface ForegroundOptions {
  providers: ProviderRegistry;
  secrets?: Record<string, string>;
  signal?: AbortSignal;
  /** Receives each output line, without its newline. */
  write: (line: string) => void;
  /** Receives a function that terminates the run as Argo does (`spec.terminate`), e.g. on Ctrl-C. */
  onTerminator?: (terminate: () => void) => void;
}

/**
 * Runs the analysis to completion on the real clock, writing a header, one line per measurement (judge metrics
 * show their evidence), the final phase and, when the judge failed the run, why. Resolves with the final phase.
 */
export async function analyzeInForeground(start: AnalysisRun, options: ForegroundOptions): Promise<AnalysisPhase> {
  const { providers, write } = options;
  const judgeMetrics = judgeMetricsOf(start);
  let wake: (() => void) | undefined;
  let run = start;
  options.onTerminator?.(() => {
    run = { ...run, spec: { ...run.spec, terminate: true } };
    wake?.();
  });
  write(`AnalysisRun ${run.metadata.name ?? ''}: ${run.spec.metrics.map((m) => m.name).join(', ')}`);
  for (;;) {
    const result = await runAnalysisPass(run, {
      clock: realClock,
      providers,
      secrets: options.secrets ?? {},
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    for (const event of result.measured) {
      const format = judgeMetrics.has(event.metricName) ? formatJudgeMeasurementLine : formatMeasurementLine;
      write(format(event.metricName, event.measurement));
    }
    run = { ...run, status: result.status };
    if (isCompleted(result.status.phase)) break;
    const waitMs = result.wakeAt === undefined ? undefined : Math.max(0, result.wakeAt - realClock.now());
    if (run.spec.terminate === true) continue; // terminated during the pass: terminate now
    await new Promise<void>((resolve) => {
      const timer = waitMs === undefined ? undefined : setTimeout(resolve, waitMs);
      wake = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  }
  const status = run.status ?? {};
  const phase = status.phase ?? 'Error';
  write(`${phase}${status.message ? `: ${status.message}` : ''}`);
  for (const line of judgeExplanations(status, judgeMetrics)) write(line);
  return phase;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
