/**
 * Metric providers: the imperative shell of analysis. One `MetricProvider` per `metric.provider` field, chosen by a
 * `ProviderRegistry`; every provider passes the shared `providerContract` suite (in `./contract.js`, test-only).
 */
export type { MetricProvider, ProviderContext } from './types.js';
export { ProviderRegistry, createProviderRegistry, type DefaultProvidersOptions } from './registry.js';
export { PrometheusProvider, formatSample, type PrometheusProviderOptions } from './prometheus.js';
export { WebProvider, toRfc9535 } from './web.js';
export { JobProvider, type JobProviderOptions } from './job.js';
export { errorMeasurement, assessedMeasurement, assessedJsonMeasurement, isoAt } from './measurement.js';
export { kanaryProviders, registerKanaryProviders, type KanaryProvidersOptions } from './kanary.js';
