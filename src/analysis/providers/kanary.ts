import { JudgeProvider, type JudgeProviderOptions } from './judge.js';
import type { ProviderRegistry } from './registry.js';
import { RouterProvider } from './router.js';
import type { MetricProvider } from './types.js';

/**
 * Kanary's own metric providers, `router` and `judge`, both reading the local router by default. The router's
 * address comes from each metric's `address`, else from `routerAddress`, else from env KANARY_ROUTER_URL.
 */
export interface KanaryProvidersOptions {
  routerAddress?: string;
  /** Replaces the judge's data sources (benchmarks, tests). */
  judgeReaders?: JudgeProviderOptions['readers'];
}

export function kanaryProviders(options: KanaryProvidersOptions = {}): MetricProvider[] {
  const routerAddress = options.routerAddress ?? process.env.KANARY_ROUTER_URL;
  const address = routerAddress === undefined || routerAddress === '' ? {} : { routerAddress };
  return [
    new RouterProvider(address.routerAddress === undefined ? {} : { defaultAddress: address.routerAddress }),
    new JudgeProvider({ ...address, ...(options.judgeReaders === undefined ? {} : { readers: options.judgeReaders }) }),
  ];
}

/** Adds the `router` and `judge` providers to a registry (e.g. one from `createProviderRegistry()`). */
export function registerKanaryProviders(
  registry: ProviderRegistry,
  options: KanaryProvidersOptions = {},
): ProviderRegistry {
  for (const provider of kanaryProviders(options)) registry.register(provider);
  return registry;
}
