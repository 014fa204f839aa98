import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun, Measurement, Metric } from '../../api/index.js';
import { ProviderRegistry } from './registry.js';
import type { MetricProvider, ProviderContext } from './types.js';

/**
 * The contract every MetricProvider passes (test-only: imports vitest). The fixture wires the provider to real
 * endpoints (local HTTP servers, real processes) and gives three metrics: one whose measurement is Successful, one
 * Failed, one that cannot be measured (Error, with words the message must contain).
 */
export interface ProviderFixture {
  provider: MetricProvider;
  successful: Metric;
  failed: Metric;
  error: Metric;
  /** Substrings the Error measurement's message must contain (the address and the cause). */
  errorMentions: string[];
  close?(): Promise<void>;
}

const FIXED_NOW = Date.parse('2026-03-04T05:06:07.000Z');

function contractRun(): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'contract', namespace: 'default', uid: 'contract-uid' },
    spec: { metrics: [] },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Runs a measurement and resumes it (polling every 20 ms of real time) until it completes. */
export async function measureToCompletion(
  provider: MetricProvider,
  run: AnalysisRun,
  metric: Metric,
  ctx: ProviderContext,
  maxPolls = 500,
): Promise<Measurement> {
  let m = await provider.run(run, metric, ctx);
  for (let i = 0; m.phase === 'Running' && i < maxPolls; i++) {
    await new Promise((r) => setTimeout(r, 20));
    m = await provider.resume(run, metric, m, ctx);
  }
  return m;
}

export function providerContract(name: string, setup: () => Promise<ProviderFixture>): void {
  describe(`MetricProvider contract: ${name}`, () => {
    let fx: ProviderFixture;
    const ctx: ProviderContext = { now: () => FIXED_NOW };

    beforeAll(async () => {
      fx = await setup();
    });
    afterAll(async () => {
      await fx.close?.();
    });

    it('serves the metric provider field named by its type', () => {
      expect(ProviderRegistry.typeOf(fx.successful)).toBe(fx.provider.type);
      expect(new ProviderRegistry().register(fx.provider).get(fx.successful)).toBe(fx.provider);
    });

    it('a measurement that meets the conditions is Successful, with times from the injected clock', async () => {
      const m = await measureToCompletion(fx.provider, deepFreeze(contractRun()), deepFreeze(fx.successful), ctx);
      expect(m.phase, m.message).toBe('Successful');
      expect(m.startedAt).toBe(new Date(FIXED_NOW).toISOString());
      expect(m.finishedAt).toBe(new Date(FIXED_NOW).toISOString());
      expect(m.resumeAt).toBeUndefined();
    });

    it('a measurement that does not meet the conditions is Failed', async () => {
      const m = await measureToCompletion(fx.provider, contractRun(), fx.failed, ctx);
      expect(m.phase, m.message).toBe('Failed');
      expect(m.finishedAt).toBeDefined();
    });

    it('a measurement that cannot be taken is an Error naming the cause, never a throw', async () => {
      const m = await measureToCompletion(fx.provider, contractRun(), fx.error, ctx);
      expect(m.phase).toBe('Error');
      for (const word of fx.errorMentions) expect(m.message).toContain(word);
      expect(m.finishedAt).toBeDefined();
    });

    it('terminate returns a measurement and never throws', async () => {
      const started = await fx.provider.run(contractRun(), fx.successful, ctx);
      const stopped = await fx.provider.terminate(contractRun(), fx.successful, started, ctx);
      expect(['Successful', 'Failed', 'Inconclusive', 'Error']).toContain(stopped.phase);
    });
  });
}
