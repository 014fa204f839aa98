import type { AnalysisRun, Rollout } from '../api/index.js';
import type { KanaryClient } from '../client/index.js';
import { KanaryError } from '../common/index.js';

/** What the demo narrates about a rollout at one moment. */
export interface RolloutView {
  readonly phase: string;
  readonly message: string;
  readonly step: number | undefined;
  readonly steps: number;
  /** The canary weight set on the router (status.canary.weights), 0 when none. */
  readonly weight: number;
  readonly currentHash: string;
  readonly stableHash: string;
  readonly revision: string;
}

export function viewOf(r: Rollout): RolloutView {
  const s = r.status ?? {};
  return {
    phase: s.phase ?? 'Progressing',
    message: s.message ?? '',
    step: s.currentStepIndex,
    steps: r.spec.strategy.canary?.steps?.length ?? 0,
    weight: s.canary?.weights?.canary.weight ?? 0,
    currentHash: s.currentPodHash ?? '',
    stableHash: s.stableRS ?? '',
    revision: r.metadata.annotations?.['rollout.argoproj.io/revision'] ?? '',
  };
}

export type ObservedEvent =
  | { kind: 'rollout'; at: number; view: RolloutView; previous: RolloutView | undefined }
  | { kind: 'run'; at: number; run: string; phase: string; message: string }
  | { kind: 'measurement'; at: number; run: string; metric: string; phase: string; value: string; message: string };

/**
 * Polls the API (every 100 ms) for the rollout and its AnalysisRuns and reports what changed: the rollout's phase,
 * step or weight; a run's phase; each new measurement. `at` is `performance.now()` when the change was seen.
 */
export class RolloutObserver {
  readonly #client: KanaryClient;
  readonly #ns: string;
  readonly #name: string;
  readonly #onEvent: (e: ObservedEvent) => void;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #view: RolloutView | undefined;
  #rollout: Rollout | undefined;
  readonly #runPhases = new Map<string, string>();
  readonly #measurements = new Map<string, number>();
  #weightChangedAt = performance.now();
  #error: Error | undefined;

  constructor(client: KanaryClient, ns: string, name: string, onEvent: (e: ObservedEvent) => void) {
    this.#client = client;
    this.#ns = ns;
    this.#name = name;
    this.#onEvent = onEvent;
  }

  async start(): Promise<void> {
    await this.poll();
    this.#timer = setInterval(() => void this.poll(), 100);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get view(): RolloutView | undefined {
    return this.#view;
  }

  get rollout(): Rollout | undefined {
    return this.#rollout;
  }

  /** performance.now() of the last weight change seen. */
  get weightChangedAt(): number {
    return this.#weightChangedAt;
  }

  /** Resolves once `test` holds for the latest view; TIMEOUT naming `what` and the last view otherwise. */
  async until(
    test: (v: RolloutView) => boolean,
    what: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<RolloutView> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      signal?.throwIfAborted();
      if (this.#error !== undefined) throw this.#error;
      const v = this.#view;
      if (v !== undefined && test(v)) return v;
      if (performance.now() > deadline) {
        throw new KanaryError(
          'TIMEOUT',
          `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}; the rollout is ${describe(v)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async poll(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const [rollout, runs] = await Promise.all([
        this.#client.get<Rollout>('rollouts', this.#ns, this.#name),
        this.#client.list<AnalysisRun>('analysisruns', this.#ns),
      ]);
      const at = performance.now();
      this.#rollout = rollout;
      const view = viewOf(rollout);
      const prev = this.#view;
      if (prev === undefined || changed(prev, view)) {
        if (prev !== undefined && prev.weight !== view.weight) this.#weightChangedAt = at;
        this.#view = view;
        this.#onEvent({ kind: 'rollout', at, view, previous: prev });
      }
      for (const run of runs.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
        this.noteRun(run, at);
      }
    } catch (err) {
      this.#error = err instanceof Error ? err : new Error(String(err));
    } finally {
      this.#busy = false;
    }
  }

  private noteRun(run: AnalysisRun, at: number): void {
    const name = run.metadata.name ?? '';
    for (const result of run.status?.metricResults ?? []) {
      const key = `${name}/${result.name}`;
      const seen = this.#measurements.get(key) ?? 0;
      // A measurementRetention limit (the judge's template keeps 2) trims the list, so new measurements are
      // counted with the result's `count` when it has one, and taken from the end of the list.
      const list = result.measurements ?? [];
      const firstOpen = list.findIndex((m) => m.phase === 'Running' || m.phase === 'Pending');
      const done = firstOpen === -1 ? list : list.slice(0, firstOpen);
      const total = Math.max(result.count ?? done.length, done.length);
      const fresh = Math.min(Math.max(total - seen, 0), done.length);
      this.#measurements.set(key, Math.max(seen, total));
      for (const m of done.slice(done.length - fresh)) {
        this.#onEvent({
          kind: 'measurement',
          at,
          run: name,
          metric: result.name,
          phase: m.phase,
          value: m.value ?? '',
          message: m.message ?? '',
        });
      }
    }
    const phase = run.status?.phase ?? 'Pending';
    if (this.#runPhases.get(name) !== phase) {
      this.#runPhases.set(name, phase);
      this.#onEvent({ kind: 'run', at, run: name, phase, message: run.status?.message ?? '' });
    }
  }
}

function changed(a: RolloutView, b: RolloutView): boolean {
  return (
    a.phase !== b.phase ||
    a.step !== b.step ||
    a.weight !== b.weight ||
    a.currentHash !== b.currentHash ||
    a.stableHash !== b.stableHash ||
    a.message !== b.message
  );
}

export function describe(v: RolloutView | undefined): string {
  if (v === undefined) return 'not seen yet';
  const step = v.step === undefined ? '-' : `${v.step}/${v.steps}`;
  return `${v.phase} at step ${step}, canary weight ${v.weight}%${v.message === '' ? '' : ` (${v.message})`}`;
}
