import type { AnalysisRun, Measurement, Metric } from '../../api/index.js';

/**
 * The variation point of analysis: one MetricProvider per `metric.provider` field. Providers are the imperative
 * shell around the pure engine: they talk to Prometheus, web endpoints or processes, and turn whatever happens into a
 * Measurement. They never throw for a measuring problem: an unreachable endpoint, a timeout or a bad answer is an
 * Error measurement whose message names the endpoint and the cause. Every provider passes `providerContract`.
 */

export interface ProviderContext {
  /** The injected clock (ms since the epoch): measurement times come from here, never from Date.now(). */
  now(): number;
  /** Aborts in-flight I/O when the caller gives up (Ctrl-C, controller shutdown). */
  signal?: AbortSignal;
}

export interface MetricProvider {
  /** The `metric.provider` field this provider serves: 'prometheus', 'web', 'job', 'router', 'judge'... */
  readonly type: string;
  /**
   * Takes a measurement. Synchronous providers return a completed measurement (Successful, Failed, Inconclusive or
   * Error, with startedAt and finishedAt). Asynchronous ones return `Running` with `resumeAt`, and are resumed later.
   * `metric` has its `{{args.x}}` placeholders resolved (secrets included: never log it).
   */
  run(run: AnalysisRun, metric: Metric, ctx: ProviderContext): Promise<Measurement>;
  /** Checks an in-flight measurement again: still Running (with a new resumeAt) or completed. */
  resume(run: AnalysisRun, metric: Metric, measurement: Measurement, ctx: ProviderContext): Promise<Measurement>;
  /** Stops an in-flight measurement because the run is terminating; returns it completed. */
  terminate(run: AnalysisRun, metric: Metric, measurement: Measurement, ctx: ProviderContext): Promise<Measurement>;
  /** Metadata for the metric result (Argo's GetMetadata), e.g. `ResolvedPrometheusQuery`. */
  metadata?(metric: Metric): Record<string, string> | undefined;
}
