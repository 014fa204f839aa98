import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisRun } from '../../src/api/index.js';
import { loadPaths, objectsOf } from '../../src/api/index.js';
import { buildAnalysisRun, type AnyAnalysisTemplate } from '../../src/analysis/engine/index.js';
import { spawnSampleApp, type SpawnedSampleApp } from '../../examples/sample-app/src/testing.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';

/** Shared set-up of the analysis journeys: the seed's template, the sample app, and a Prometheus scraping it. */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SEED_TEMPLATE = join(ROOT, 'examples/sample-app/analysistemplate.yaml');

export function seedTemplate(): AnyAnalysisTemplate {
  const template = objectsOf(loadPaths([SEED_TEMPLATE]).documents).find((o) => o.kind === 'AnalysisTemplate');
  if (template?.kind !== 'AnalysisTemplate') throw new Error(`no AnalysisTemplate in ${SEED_TEMPLATE}`);
  return template;
}

export function seedRun(name = 'seed'): AnalysisRun {
  return buildAnalysisRun([seedTemplate()], [], { name, namespace: 'sample-app' });
}

export interface Scenario {
  app: SpawnedSampleApp;
  prometheus: RunningPrometheus;
  stop(): Promise<void>;
}

async function hit(baseUrl: string, path: '/success' | '/error', times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await fetch(`${baseUrl}${path}`);
    await res.arrayBuffer();
  }
}

/**
 * The sample app scraped by a fresh Prometheus as `service="sample-app-canary"`, with traffic laid out so that the
 * seed's rate() ratio is exact: the first scrape already sees every series (`prime`), then `success`/`errors`
 * requests are counted between that scrape and two later ones.
 */
export async function startScenario(traffic: {
  prime: { success: number; errors: number };
  success: number;
  errors: number;
}): Promise<Scenario> {
  const app = await spawnSampleApp({ METRICS_PORT: '0' });
  let prometheus: RunningPrometheus | undefined;
  try {
    await hit(app.baseUrl, '/success', traffic.prime.success);
    await hit(app.baseUrl, '/error', traffic.prime.errors);
    const metrics = new URL(app.metricsUrl ?? '');
    prometheus = await startPrometheus({
      targets: [
        { address: metrics.host, metricsPath: '/monitoring/metrics', labels: { service: 'sample-app-canary' } },
      ],
    });
    await prometheus.waitForScrapes(1);
    await Promise.all([hit(app.baseUrl, '/success', traffic.success), hit(app.baseUrl, '/error', traffic.errors)]);
    await prometheus.waitForScrapes(2);
  } catch (err) {
    await prometheus?.stop();
    await app.stop();
    throw err;
  }
  const prom = prometheus;
  return {
    app,
    prometheus: prom,
    stop: async () => {
      await prom.stop();
      await app.stop();
    },
  };
}
