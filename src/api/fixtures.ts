import type { AnalysisRun, AnalysisTemplate, Metric } from './analysis.js';
import type { Rollout } from './rollout.js';

/** Valid objects for tests in this folder; each call returns a fresh copy to mutate. */

export function rolloutFixture(): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'demo', namespace: 'apps' },
    spec: {
      selector: { matchLabels: { app: 'demo' } },
      template: {
        metadata: { labels: { app: 'demo' } },
        spec: { containers: [{ name: 'demo', image: 'demo:1' }] },
      },
      strategy: {
        canary: {
          canaryService: 'demo-canary',
          stableService: 'demo',
          trafficRouting: { nginx: { stableIngress: 'demo' } },
          steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '30s' } }],
        },
      },
    },
  };
}

export function metricFixture(): Metric {
  return {
    name: 'success-rate',
    interval: '1m',
    successCondition: 'result[0] >= 0.99',
    provider: { prometheus: { address: 'http://127.0.0.1:9090', query: 'up' } },
  };
}

export function templateFixture(): AnalysisTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'checks', namespace: 'apps' },
    spec: { metrics: [metricFixture()] },
  };
}

export function analysisRunFixture(): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'demo-run', namespace: 'apps' },
    spec: { metrics: [metricFixture()], args: [{ name: 'service', value: 'demo' }] },
    status: {
      phase: 'Running',
      startedAt: '2026-01-01T00:00:00Z',
      metricResults: [
        {
          name: 'success-rate',
          phase: 'Running',
          count: 1,
          successful: 1,
          measurements: [
            {
              phase: 'Successful',
              value: '[0.995]',
              startedAt: '2026-01-01T00:00:00Z',
              finishedAt: '2026-01-01T00:00:01Z',
            },
          ],
        },
      ],
    },
  };
}
