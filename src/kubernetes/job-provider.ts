import type { AnalysisRun, KubeObject, Measurement, Metric } from '../api/index.js';
import { errorMeasurement, isoAt, type MetricProvider, type ProviderContext } from '../analysis/providers/index.js';
import { KanaryError } from '../common/index.js';
import type { ResourceStore } from '../store/index.js';

/** A batch/v1 Job, the fields the provider reads. */
interface Job extends KubeObject {
  spec?: unknown;
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

const JOB_NAME = 'job-name';
const JOB_NAMESPACE = 'job-namespace';
/** Labels Argo puts on the Jobs of a measurement. */
export const ANALYSIS_RUN_NAME_LABEL = 'analysisrun.argoproj.io/name';
export const ANALYSIS_RUN_METRIC_LABEL = 'analysisrun.argoproj.io/metric-name';

export interface KubernetesJobProviderOptions {
  store: ResourceStore;
  /** How long to wait before checking a running Job again. Default 10 s. */
  pollMs?: number;
}

/**
 * Argo's job provider in Kubernetes mode: each measurement creates a batch/v1 Job from `provider.job` (owned by
 * the AnalysisRun, so it is garbage-collected with it) and is Running until the Job has a `Complete` condition
 * (Successful) or a `Failed` one (Failed, with the Job's reason and message). Terminating a run deletes the Job and
 * calls the measurement Successful, as Argo does. Conditions of the metric are not used.
 */
export class KubernetesJobProvider implements MetricProvider {
  readonly type = 'job';
  readonly #store: ResourceStore;
  readonly #pollMs: number;

  constructor(options: KubernetesJobProviderOptions) {
    this.#store = options.store;
    this.#pollMs = options.pollMs ?? 10_000;
  }

  async run(run: AnalysisRun, metric: Metric, ctx: ProviderContext): Promise<Measurement> {
    const started = ctx.now();
    const namespace = run.metadata.namespace ?? '';
    const count = run.status?.metricResults?.find((r) => r.name === metric.name)?.count ?? 0;
    const name = jobName(run, metric.name, count + 1);
    const metadata = { [JOB_NAME]: name, [JOB_NAMESPACE]: namespace };
    const job = metric.provider.job;
    if (job === undefined)
      return errorMeasurement(started, ctx.now(), `metric "${metric.name}" has no job provider`, { metadata });
    try {
      await this.#store.create<Job>({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name,
          namespace,
          labels: {
            ...job.metadata?.labels,
            [ANALYSIS_RUN_NAME_LABEL]: run.metadata.name ?? '',
            [ANALYSIS_RUN_METRIC_LABEL]: metric.name,
          },
          ...(job.metadata?.annotations === undefined ? {} : { annotations: job.metadata.annotations }),
          ownerReferences: [
            {
              apiVersion: 'argoproj.io/v1alpha1',
              kind: 'AnalysisRun',
              name: run.metadata.name ?? '',
              uid: run.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: job.spec,
      });
    } catch (err) {
      // A Job of this name exists already: a previous pass created it and crashed before recording it. Adopt it.
      if (!(err instanceof KanaryError && err.code === 'ALREADY_EXISTS')) {
        return errorMeasurement(
          started,
          ctx.now(),
          `metric "${metric.name}": cannot create Job ${namespace}/${name}: ${messageOf(err)}`,
          { metadata },
        );
      }
    }
    return { phase: 'Running', startedAt: isoAt(started), resumeAt: isoAt(ctx.now() + this.#pollMs), metadata };
  }

  async resume(
    _run: AnalysisRun,
    metric: Metric,
    measurement: Measurement,
    ctx: ProviderContext,
  ): Promise<Measurement> {
    const name = measurement.metadata?.[JOB_NAME] ?? '';
    const namespace = measurement.metadata?.[JOB_NAMESPACE] ?? '';
    let job: Job | undefined;
    try {
      job = await this.#store.get<Job>('Job', namespace, name);
    } catch (err) {
      return {
        ...measurement,
        resumeAt: isoAt(ctx.now() + this.#pollMs),
        message: `cannot read Job: ${messageOf(err)}`,
      };
    }
    const started = Date.parse(measurement.startedAt ?? '') || ctx.now();
    if (!job)
      return errorMeasurement(
        started,
        ctx.now(),
        `metric "${metric.name}": Job ${namespace}/${name} was deleted`,
        measurement,
      );
    const conditions = job.status?.conditions ?? [];
    const complete = conditions.find((c) => c.type === 'Complete' && c.status === 'True');
    const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
    if (!complete && !failed) return { ...measurement, resumeAt: isoAt(ctx.now() + this.#pollMs) };
    const { resumeAt: _r, ...rest } = measurement;
    const done: Measurement = { ...rest, phase: complete ? 'Successful' : 'Failed', finishedAt: isoAt(ctx.now()) };
    if (failed) done.message = [failed.reason, failed.message].filter((s) => s !== undefined && s !== '').join(': ');
    return done;
  }

  async terminate(
    _run: AnalysisRun,
    _metric: Metric,
    measurement: Measurement,
    ctx: ProviderContext,
  ): Promise<Measurement> {
    const name = measurement.metadata?.[JOB_NAME] ?? '';
    const namespace = measurement.metadata?.[JOB_NAMESPACE] ?? '';
    try {
      await this.#store.delete('Job', namespace, name);
    } catch (err) {
      if (!(err instanceof KanaryError && err.code === 'NOT_FOUND')) throw err;
    }
    const { resumeAt: _r, ...rest } = measurement;
    return { ...rest, phase: 'Successful', finishedAt: isoAt(ctx.now()) };
  }
}

/** `<run uid or name>.<metric>.<n>`, lower-cased and cut to a valid object name, like Argo's Job names. */
function jobName(run: AnalysisRun, metric: string, n: number): string {
  const base = `${run.metadata.uid ?? run.metadata.name ?? 'run'}.${metric}.${n}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-');
  return base.slice(0, 253).replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
