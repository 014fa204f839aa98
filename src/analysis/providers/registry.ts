import type { Metric } from '../../api/index.js';
import { KanaryError } from '../../common/index.js';
import { JobProvider, type JobProviderOptions } from './job.js';
import { PrometheusProvider, type PrometheusProviderOptions } from './prometheus.js';
import type { MetricProvider } from './types.js';
import { WebProvider } from './web.js';

/**
 * Chooses the provider by the metric's provider field. New providers (router, judge, ...) join by type name with
 * `register`. A metric whose provider is not registered fails loudly: `get` throws NOT_SUPPORTED naming the
 * provider and the ones that exist (the analysis pass records it as an Error measurement, as Argo does).
 */
export class ProviderRegistry {
  readonly #providers = new Map<string, MetricProvider>();

  register(provider: MetricProvider): this {
    this.#providers.set(provider.type, provider);
    return this;
  }

  types(): string[] {
    return [...this.#providers.keys()];
  }

  /** The one provider field set on the metric; throws INVALID_SPEC for none or several. */
  static typeOf(metric: Metric): string {
    const provider = metric.provider as Record<string, unknown>;
    const set = Object.keys(provider).filter((k) => provider[k] !== undefined);
    if (set.length === 0) throw new KanaryError('INVALID_SPEC', `metric "${metric.name}": no provider specified`);
    if (set.length > 1) {
      throw new KanaryError(
        'INVALID_SPEC',
        `metric "${metric.name}": multiple providers specified (${set.join(', ')})`,
      );
    }
    return set[0] ?? '';
  }

  get(metric: Metric): MetricProvider {
    const type = ProviderRegistry.typeOf(metric);
    const provider = this.#providers.get(type);
    if (provider === undefined) {
      throw new KanaryError(
        'NOT_SUPPORTED',
        `metric "${metric.name}": provider "${type}" is not supported by Kanary; use one of ${this.types().join(', ')}`,
      );
    }
    return provider;
  }
}

export interface DefaultProvidersOptions {
  prometheus?: PrometheusProviderOptions;
  job?: JobProviderOptions;
}

/**
 * A registry with the built-in prometheus, web and job providers. A prometheus metric without an address uses env
 * ARGO_ROLLOUTS_PROMETHEUS_ADDRESS, as Argo does.
 */
export function createProviderRegistry(options: DefaultProvidersOptions = {}): ProviderRegistry {
  const envAddress = process.env.ARGO_ROLLOUTS_PROMETHEUS_ADDRESS;
  const prometheus: PrometheusProviderOptions = {
    ...(envAddress === undefined || envAddress === '' ? {} : { defaultAddress: envAddress }),
    ...options.prometheus,
  };
  return new ProviderRegistry()
    .register(new PrometheusProvider(prometheus))
    .register(new WebProvider())
    .register(new JobProvider(options.job));
}
