import type { AnalysisPhase, AnalysisRun } from '../../src/api/index.js';
import type { Clock } from '../../src/controller/runtime/index.js';
import type { ResourceStore } from '../../src/store/index.js';

const COMPLETED = new Set(['Successful', 'Failed', 'Error', 'Inconclusive']);

/**
 * A stand-in for the AnalysisRun controller: a new run goes to Running, a terminated one ends Successful with
 * "Run Terminated" (nothing breached), and journeys decide verdicts with `setPhase`.
 */
export class FakeAnalysis {
  readonly #store: ResourceStore;
  readonly #clock: Clock;

  constructor(store: ResourceStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async sync(): Promise<boolean> {
    let changed = false;
    const now = new Date(this.#clock.now()).toISOString();
    for (const run of (await this.#store.list<AnalysisRun>('AnalysisRun')).items) {
      const phase = run.status?.phase;
      if (phase !== undefined && COMPLETED.has(phase)) continue;
      if (run.spec.terminate === true) {
        await this.#store.updateStatus<AnalysisRun>({
          ...run,
          status: { ...(run.status ?? {}), phase: 'Successful', message: 'Run Terminated', completedAt: now },
        });
        changed = true;
      } else if (phase === undefined) {
        await this.#store.updateStatus<AnalysisRun>({ ...run, status: { phase: 'Running', startedAt: now } });
        changed = true;
      }
    }
    return changed;
  }

  async setPhase(namespace: string, name: string, phase: AnalysisPhase, message?: string): Promise<void> {
    const run = await this.#store.get<AnalysisRun>('AnalysisRun', namespace, name);
    if (!run) throw new Error(`no AnalysisRun ${namespace}/${name}`);
    const now = new Date(this.#clock.now()).toISOString();
    await this.#store.updateStatus<AnalysisRun>({
      ...run,
      status: {
        ...(run.status ?? {}),
        phase,
        ...(message === undefined ? {} : { message }),
        ...(COMPLETED.has(phase) ? { completedAt: now } : {}),
      },
    });
  }
}
