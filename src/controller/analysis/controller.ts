import type { AnalysisRun } from '../../api/index.js';
import { isCompleted, ttlExpiry } from '../../analysis/engine/index.js';
import type { ProviderRegistry } from '../../analysis/providers/index.js';
import { KanaryError } from '../../common/index.js';
import type { ResourceStore } from '../../store/index.js';
import {
  Controller,
  Informer,
  parseKey,
  type Clock,
  type ReconcileReport,
  type ReconcileResult,
} from '../runtime/index.js';
import { runAnalysisPass, type MeasurementEvent } from './pass.js';
import { readSecretArgs } from './secrets.js';

/**
 * The AnalysisRun controller: level-triggered over a ResourceStore. Each pass reads the run, takes the measurements
 * that are due through the providers (with the injected clock), writes the status once, and asks to run again at
 * the engine's next wake time. `spec.terminate` arrives as a spec change and is handled by the next pass.
 * Completed runs are left alone.
 */

export interface AnalysisRunControllerOptions {
  store: ResourceStore;
  clock: Clock;
  providers: ProviderRegistry;
  /** Only runs in this namespace; all when absent. */
  namespace?: string;
  /** Runs measured at once (different runs). Default 4. */
  workers?: number;
  /** Share an informer with other controllers; one is created otherwise. */
  informer?: Informer<AnalysisRun>;
  /** Hears every measurement (secrets redacted), for logs. */
  onMeasurement?: (run: AnalysisRun, event: MeasurementEvent) => void;
  onReconcile?: (report: ReconcileReport) => void;
}

export class AnalysisRunController {
  readonly controller: Controller;
  readonly informer: Informer<AnalysisRun>;
  readonly #options: AnalysisRunControllerOptions;
  readonly #ownsInformer: boolean;

  constructor(options: AnalysisRunControllerOptions) {
    this.#options = options;
    this.#ownsInformer = options.informer === undefined;
    this.informer =
      options.informer ??
      new Informer<AnalysisRun>({
        store: options.store,
        kind: 'AnalysisRun',
        clock: options.clock,
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      });
    this.controller = new Controller({
      name: 'analysisrun',
      clock: options.clock,
      reconcile: (key) => this.reconcile(key),
      workers: options.workers ?? 4,
      ...(options.onReconcile === undefined ? {} : { onReconcile: options.onReconcile }),
    });
    this.controller.watches(this.informer);
  }

  async start(): Promise<void> {
    await this.controller.start();
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    if (this.#ownsInformer) this.informer.stop();
  }

  waitIdle(): Promise<void> {
    return this.controller.waitIdle();
  }

  /** One pass over the run named by `key` ("namespace/name"). */
  async reconcile(key: string): Promise<ReconcileResult | undefined> {
    const { store, clock, providers } = this.#options;
    const { namespace, name } = parseKey(key);
    const run = await store.get<AnalysisRun>('AnalysisRun', namespace, name);
    if (run === undefined) return undefined;
    if (isCompleted(run.status?.phase)) return this.#collect(run);
    const secrets = await readSecretArgs(store, run);
    const result = await runAnalysisPass(run, { clock, providers, secrets });
    for (const event of result.measured) this.#options.onMeasurement?.(run, event);
    if (JSON.stringify(result.status) !== JSON.stringify(run.status ?? {})) {
      // The status belongs to this controller alone and passes over one key never overlap, so the write carries
      // no resourceVersion: a concurrent spec change (terminate) must not throw away measurements just taken.
      const { resourceVersion: _ignored, ...metadata } = run.metadata;
      try {
        await store.updateStatus<AnalysisRun>({ ...run, metadata, status: result.status });
      } catch (err) {
        if (err instanceof KanaryError && err.code === 'NOT_FOUND') return undefined;
        throw err;
      }
    }
    if (isCompleted(result.status.phase)) return this.#collect({ ...run, status: result.status });
    if (result.wakeAt === undefined) return undefined;
    return { requeueAfterMs: Math.max(0, result.wakeAt - clock.now()) };
  }

  /** `spec.ttlStrategy`: deletes a completed run once its TTL has passed, else comes back then. */
  async #collect(run: AnalysisRun): Promise<ReconcileResult | undefined> {
    const expiry = ttlExpiry(run);
    if (expiry === undefined) return undefined;
    const wait = expiry - this.#options.clock.now();
    if (wait > 0) return { requeueAfterMs: wait };
    try {
      await this.#options.store.delete('AnalysisRun', run.metadata.namespace ?? '', run.metadata.name ?? '');
    } catch (err) {
      if (!(err instanceof KanaryError && err.code === 'NOT_FOUND')) throw err;
    }
    return undefined;
  }
}
