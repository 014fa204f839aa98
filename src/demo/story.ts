import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod } from '../api/index.js';
import { describeJudgeResult, parseJudgeResult } from '../analysis/judge/index.js';
import { constantProfile, runLoad, SEED_HEADERS, type LoadProgress, type LoadSummary } from '../load/index.js';
import { startSeedEnvironment, type SeedEnvironment } from './environment.js';
import {
  DEMO_TIMING,
  FAULTY_ERROR_RATE,
  FAULTY_IMAGE,
  GOOD_IMAGE,
  JUDGE_METRIC_NAME,
  JUDGE_TEMPLATE_NAME,
  SEED_NAMESPACE,
  SEED_ROLLOUT,
  type AnalysisSource,
  type DemoTiming,
} from './manifests.js';
import { findPrometheus } from './prometheus.js';
import { RolloutObserver, type ObservedEvent, type RolloutView } from './observer.js';
import { SplitTally, withinBinomialBound, type WeightSplit } from './split.js';

export interface DemoOptions {
  /** Default: a temporary dir, removed at the end unless `keep`. */
  stateDir?: string;
  /** Use Prometheus when it is on PATH (default), or never. */
  prometheus?: boolean;
  /** The judge (canary vs stable, router counters) as the background analysis instead of the seed's metric. */
  judge?: boolean;
  /** Leave everything running at the end and return the environment. */
  keep?: boolean;
  timing?: DemoTiming;
  /** How long the demo waits at the indefinite pause before it promotes, like a person looking first. */
  holdMs?: number;
  /** Load: iterations per second during each rollout. */
  rate?: number;
  signal?: AbortSignal;
  /** One narrated line at a time. */
  out: (line: string) => void;
}

export interface RolloutOutcome {
  readonly phase: string;
  readonly message: string;
  readonly revision: string;
  readonly load: LoadSummary;
  /** Canary share per weight the router was told, from the responses' `deployment` field. */
  readonly splits: readonly (WeightSplit & { share: number; bound: number; ok: boolean })[];
}

export interface DemoReport {
  readonly ok: boolean;
  /** What went other than the story says, one sentence each. */
  readonly problems: readonly string[];
  readonly source: AnalysisSource;
  readonly good: RolloutOutcome | undefined;
  readonly faulty:
    | (RolloutOutcome & {
        /** From the first request the faulty version could get (weight 25) to the rollout seen Degraded. */
        readonly detectMs: number | undefined;
        /** From the promote that started the background analysis to Degraded. */
        readonly detectAfterAnalysisMs: number | undefined;
        /** Requests that failed before / after the abort was seen. */
        readonly failedBeforeAbort: number;
        readonly failedAfterAbort: number;
        /** With the judge: `describeJudgeResult` of the measurement that failed. */
        readonly judgeExplanation: string | undefined;
      })
    | undefined;
  readonly totalMs: number;
  /** Set when `keep`: the running environment, for the caller to stop. */
  readonly environment: SeedEnvironment | undefined;
}

/** Argo's message when the background analysis fails on the first failed measurement of `metric`. */
function abortPattern(metric: string): RegExp {
  return new RegExp(
    `^RolloutAborted: Rollout aborted update to revision \\d+: Background analysis phase error/failed: Metric "${metric}" assessed Failed due to failed \\(1\\) > failureLimit \\(0\\)$`,
  );
}

/**
 * The seed scenario, start to end, on the embedded default: a good version rolled out through the steps (promoted
 * at the manual pause) to Healthy, then a faulty one aborted by analysis, under load through the router, narrated
 * as it happens. Resolves with a report; throws only when the environment cannot start or the caller aborts.
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const t0 = performance.now();
  const out = options.out;
  const signal = options.signal;
  const timing = options.timing ?? DEMO_TIMING;
  const holdMs = options.holdMs ?? 4_000;
  const rate = options.rate ?? 40;
  const stamp = (at = performance.now()): string => `${((at - t0) / 1000).toFixed(1).padStart(5)}s`;
  const say = (text: string, at?: number): void => out(`${stamp(at)}  ${text}`);

  const judge = options.judge === true;
  const prometheusBinary = options.prometheus === false || judge ? undefined : findPrometheus();
  const source: AnalysisSource = judge ? 'judge' : prometheusBinary === undefined ? 'router' : 'prometheus';
  out(
    `kanary demo: the seed article's story on a local cluster. Shortened for the demo: pauses 5m -> ${timing.pause}, ` +
      `analysis interval 1m -> ${timing.interval}; the manual pause is promoted after ${holdMs / 1000} s.`,
  );
  out(analysisLine(source, timing, options.prometheus === false, prometheusBinary));
  const metricName = judge ? JUDGE_METRIC_NAME : 'success-share';

  const problems: string[] = [];
  const env = await startSeedEnvironment({
    source,
    timing,
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
    onStage: (s) => say(s),
  });
  let observer: RolloutObserver | undefined;
  let good: RolloutOutcome | undefined;
  let faulty: DemoReport['faulty'];
  let keepRunning = false;
  try {
    say(
      `revision 1 (${GOOD_IMAGE.replace(/:latest$/, ':1.0.0')}) is Healthy and serves 100% through the router at ${env.routerUrl} (Host: sample.app)`,
    );
    // The judge's failing measurement, kept for the summary.
    let judgeFailure: string | undefined;
    observer = new RolloutObserver(env.client, SEED_NAMESPACE, SEED_ROLLOUT, (e) => {
      narrate(e, say);
      if (e.kind === 'measurement' && e.metric === JUDGE_METRIC_NAME && e.phase === 'Failed') {
        const result = parseJudgeResult(e.value);
        if (result !== undefined) judgeFailure = describeJudgeResult(result);
      }
    });
    await observer.start();
    const obs = observer;

    // Act 1: a good version, promoted at the manual pause, to Healthy.
    const goodStory = await rolloutUnderLoad({
      env,
      observer: obs,
      image: GOOD_IMAGE,
      label: 'good version',
      rate,
      holdMs,
      say,
      signal,
      until: (v, revision) => v.revision === revision && v.phase === 'Healthy' && v.stableHash === v.currentHash,
      untilWhat: 'the good version to become Healthy',
      timeoutMs: 60_000,
    });
    good = goodStory.outcome;
    problems.push(...goodProblems(good));

    // Act 2: a faulty version: analysis aborts it.
    say(
      `now a faulty version: ${FAULTY_IMAGE}, which fails ${100 * FAULTY_ERROR_RATE}% of its requests (ERROR_RATE=${FAULTY_ERROR_RATE} in the image map)`,
    );
    say(
      'note: revision 2\'s pod still answers "deployment":"canary" although it is stable now: its environment was fixed ' +
        'when it started, as in Kubernetes; so for this rollout the responses do not tell the tracks apart',
    );
    const badStory = await rolloutUnderLoad({
      env,
      observer: obs,
      image: FAULTY_IMAGE,
      label: 'faulty version',
      rate,
      holdMs,
      say,
      signal,
      until: (v, revision) => v.revision === revision && v.phase === 'Degraded',
      untilWhat: 'analysis to abort the faulty version',
      timeoutMs: 45_000,
      // Keep the load on a moment after the abort: users should see no more errors.
      afterMs: 1_500,
    });
    const failedBefore = badStory.failedAt(badStory.endedAt);
    faulty = {
      ...badStory.outcome,
      detectMs: badStory.firstTrafficAt === undefined ? undefined : badStory.endedAt - badStory.firstTrafficAt,
      detectAfterAnalysisMs: badStory.promotedAt === undefined ? undefined : badStory.endedAt - badStory.promotedAt,
      failedBeforeAbort: failedBefore,
      failedAfterAbort: badStory.outcome.load.metrics.http_req_failed.passes - failedBefore,
      judgeExplanation: judgeFailure,
    };
    problems.push(...faultyProblems(faulty, metricName, judge));
    keepRunning = options.keep === true;
  } finally {
    if (problems.length > 0) problems.push(...(await restartHints(env)));
    observer?.stop();
    if (!keepRunning) await env.stop();
  }
  const totalMs = performance.now() - t0;
  return {
    ok: problems.length === 0,
    problems,
    source,
    good,
    faulty,
    totalMs,
    environment: keepRunning ? env : undefined,
  };
}

/** The narration's second line: what measures the canary, and how. */
function analysisLine(
  source: AnalysisSource,
  timing: DemoTiming,
  refusedPrometheus: boolean,
  prometheusBinary: string | undefined,
): string {
  return source === 'judge'
    ? `analysis: --judge: the judge compares the canary with stable every ${timing.interval} from the router's counters ` +
        `(AnalysisTemplate ${JUDGE_TEMPLATE_NAME}, metric "${JUDGE_METRIC_NAME}", as recommended in docs/judge.md: ` +
        'alpha 0.05, margin 0.2, minRequests 100 per arm before a "pass", which both arms reach about 6 s into the ' +
        "analysis at this load); a copy of the seed's Rollout refers to it instead of the seed's template"
    : source === 'prometheus'
      ? `analysis: the seed's AnalysisTemplate unchanged (query, condition, failureLimit) against a real Prometheus (${prometheusBinary ?? ''}), scraping every 1 s.`
      : refusedPrometheus
        ? 'analysis: --no-prometheus: the router provider measures the canary success share (last 20 s, >= 0.99).'
        : 'analysis: prometheus is not on PATH, so the router provider measures the canary success share (last 20 s, >= 0.99).';
}

/** Pods that restarted: the usual cause of a story gone wrong on a busy machine. */
async function restartHints(env: SeedEnvironment): Promise<string[]> {
  try {
    const pods = await env.client.list<Pod>('pods', SEED_NAMESPACE);
    return pods.flatMap((p) =>
      (p.status?.containerStatuses ?? [])
        .filter((c) => (c.restartCount ?? 0) > 0)
        .map(
          (c) =>
            `pod ${p.metadata.name ?? ''} (${p.status?.podIP ?? '?'}) restarted ${c.restartCount ?? 0} times; ` +
            'another local cluster using the same pod addresses is a common cause (see its log with kanary logs)',
        ),
    );
  } catch {
    return [];
  }
}

/** What went other than the story says in act 2. */
function faultyProblems(faulty: NonNullable<DemoReport['faulty']>, metricName: string, judge: boolean): string[] {
  const problems: string[] = [];
  if (faulty.phase !== 'Degraded') problems.push(`the faulty version ended ${faulty.phase}, not Degraded`);
  else if (!abortPattern(metricName).test(faulty.message))
    problems.push(`the abort message is not Argo's: ${faulty.message}`);
  if (faulty.failedBeforeAbort === 0) problems.push('the faulty version failed no request before the abort');
  if (judge && faulty.judgeExplanation === undefined) problems.push('no failed judge measurement was seen');
  return problems;
}

/** What went other than the story says in act 1. */
function goodProblems(good: RolloutOutcome): string[] {
  const problems: string[] = [];
  if (good.phase !== 'Healthy') problems.push(`the good version ended ${good.phase}, not Healthy: ${good.message}`);
  if (!good.load.thresholdsPassed) {
    const checks = (100 * good.load.metrics.checks.rate).toFixed(1);
    problems.push(`the load test's thresholds failed during the good rollout (checks ${checks}%)`);
  }
  for (const s of good.splits.filter((x) => !x.ok)) {
    problems.push(
      `at weight ${s.weight}% the canary served ${(100 * s.share).toFixed(1)}% of ${s.stable + s.canary} requests, ` +
        `outside ±${(100 * s.bound).toFixed(1)}%`,
    );
  }
  if (good.splits.length === 0) problems.push('no whole second of load ran at a steady canary weight');
  return problems;
}

interface StoryStep {
  env: SeedEnvironment;
  observer: RolloutObserver;
  image: string;
  label: string;
  rate: number;
  holdMs: number;
  say: (text: string, at?: number) => void;
  signal: AbortSignal | undefined;
  until: (v: RolloutView, revision: string) => boolean;
  untilWhat: string;
  timeoutMs: number;
  afterMs?: number;
}

interface StoryResult {
  outcome: RolloutOutcome;
  firstTrafficAt: number | undefined;
  promotedAt: number | undefined;
  endedAt: number;
  /** Failed requests counted by the end of the load second that contains `at`. */
  failedAt(at: number): number;
}

/** set image -> wait for the manual pause -> promote -> wait for the end, with load running all along. */
async function rolloutUnderLoad(step: StoryStep): Promise<StoryResult> {
  const { env, observer, say, signal } = step;
  const before = observer.view;
  const revision = String(Number(before?.revision ?? '0') + 1);
  const stopLoad = new AbortController();
  const onAbort = (): void => stopLoad.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const tally = new SplitTally();
  const failedTimeline: { at: number; failed: number }[] = [];
  let lastTick = performance.now();
  let weightAtLastTick = observer.view?.weight ?? 0;
  let lastLine = 0;
  const onProgress = (p: LoadProgress): void => {
    const now = performance.now();
    const weight = observer.view?.weight ?? 0;
    tally.add({
      weightAtStart: weightAtLastTick,
      weightAtEnd: weight,
      changedMsBeforeStart: lastTick - observer.weightChangedAt,
      stable: p.window.deployments.stable,
      canary: p.window.deployments.canary,
    });
    failedTimeline.push({ at: now, failed: p.totals.failed });
    lastTick = now;
    weightAtLastTick = weight;
    if (p.final || now - lastLine >= 5_000) {
      lastLine = now;
      const d = p.totals.deployments;
      say(`load: ${p.totals.completed} requests (stable ${d.stable}, canary ${d.canary}), ${p.totals.failed} failed`);
    }
  };
  say(
    `load: ${step.rate} requests/s through the router (GET /success, Host: sample.app), checked like the seed's k6 script`,
  );
  const load = runLoad(
    {
      url: `${env.routerUrl}/success`,
      headers: SEED_HEADERS,
      profile: constantProfile(step.rate, 10 * 60_000),
      expect: { node: env.nodeName },
    },
    { signal: stopLoad.signal, onProgress },
  );
  let firstTrafficAt: number | undefined;
  let promotedAt: number | undefined;
  let endedAt: number;
  try {
    say(`kanary set image ${SEED_ROLLOUT} sample-app=${step.image} -n ${SEED_NAMESPACE}   (the ${step.label})`);
    await env.client.operate(SEED_NAMESPACE, SEED_ROLLOUT, 'set-image', { container: 'sample-app', image: step.image });
    const paused = await observer.until(
      (v) => v.revision === revision && v.phase === 'Paused' && v.step === 1,
      'the canary to reach the manual pause at step 1',
      30_000,
      signal,
    );
    firstTrafficAt = observer.weightChangedAt;
    say(
      `paused at step 1 (pause: {}) with ${paused.weight}% to the canary; the article promotes by hand here, the demo in ${step.holdMs / 1000} s`,
    );
    await sleep(step.holdMs, undefined, signal ? { signal } : {});
    say(`kanary promote ${SEED_ROLLOUT} -n ${SEED_NAMESPACE}`);
    await env.client.operate(SEED_NAMESPACE, SEED_ROLLOUT, 'promote');
    promotedAt = performance.now();
    await observer.until((v) => step.until(v, revision), step.untilWhat, step.timeoutMs, signal);
    endedAt = performance.now();
    if (step.afterMs !== undefined) await sleep(step.afterMs, undefined, signal ? { signal } : {});
  } finally {
    stopLoad.abort();
    signal?.removeEventListener('abort', onAbort);
  }
  const summary = await load;
  signal?.throwIfAborted();
  const final = observer.view;
  return {
    outcome: {
      phase: final?.phase ?? 'unknown',
      message: final?.message ?? '',
      revision,
      load: summary,
      splits: tally
        .splits()
        .filter((s) => s.weight > 0 && s.weight < 100)
        .map((s) => ({ ...s, ...withinBinomialBound(s) })),
    },
    firstTrafficAt,
    promotedAt,
    endedAt,
    failedAt: (at) => {
      let failed = 0;
      for (const f of failedTimeline) {
        failed = f.failed;
        if (f.at >= at) break;
      }
      return failed;
    },
  };
}

/** One narrated line per observed change. */
function narrate(e: ObservedEvent, say: (text: string, at?: number) => void): void {
  if (e.kind === 'rollout') {
    const v = e.view;
    const p = e.previous;
    const what: string[] = [];
    if (p !== undefined && p.currentHash !== v.currentHash)
      what.push(`revision ${v.revision}: new ReplicaSet ${v.currentHash}`);
    if (p !== undefined && p.weight !== v.weight) what.push(`canary weight ${p.weight}% -> ${v.weight}%`);
    if (p !== undefined && p.stableHash !== v.stableHash) what.push(`stable is now ${v.stableHash}`);
    if (p === undefined || p.phase !== v.phase) what.push(v.phase);
    if (v.phase === 'Degraded' && v.message !== '') what.push(v.message);
    const step = v.step === undefined ? 'step -' : `step ${v.step}/${v.steps}`;
    say(`${step.padEnd(9)} weight ${String(v.weight).padStart(3)}%  ${v.phase.padEnd(11)} ${what.join('; ')}`, e.at);
    return;
  }
  if (e.kind === 'measurement') {
    // A judge measurement's value is a JSON map: said in words instead.
    const judged = parseJudgeResult(e.value);
    const value = judged !== undefined ? describeJudgeResult(judged) : e.value === '' ? '-' : e.value;
    say(
      `analysis ${e.run}: ${e.metric} measured ${value} -> ${e.phase}${e.message === '' ? '' : ` (${e.message})`}`,
      e.at,
    );
    return;
  }
  say(`analysis ${e.run}: ${e.phase}${e.message === '' ? '' : ` - ${e.message}`}`, e.at);
}
