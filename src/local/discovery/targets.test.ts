import { describe, expect, it } from 'vitest';
import { buildScrapeTargets, matchesSelector } from './targets.js';
import type { PodLike, ServiceLike, ServiceMonitorLike } from './targets.js';

const ports = [
  { name: 'http', port: 8080, targetPort: 8080 },
  { name: 'metrics', port: 9090, targetPort: 9090 },
];
const stableSvc: ServiceLike = {
  metadata: { name: 'sample-app', namespace: 'sample-app', labels: { app: 'sample-app' } },
  spec: { selector: { app: 'sample-app', 'rollouts-pod-template-hash': 'aaa' }, ports },
};
const canarySvc: ServiceLike = {
  metadata: { name: 'sample-app-canary', namespace: 'sample-app', labels: { app: 'sample-app' } },
  spec: { selector: { app: 'sample-app', 'rollouts-pod-template-hash': 'bbb' }, ports },
};
const monitor: ServiceMonitorLike = {
  metadata: { name: 'sample-app', namespace: 'sample-app' },
  spec: {
    selector: { matchLabels: { app: 'sample-app' } },
    namespaceSelector: { matchNames: ['sample-app'] },
    endpoints: [{ port: 'metrics', path: '/monitoring/metrics' }],
  },
};
function pod(name: string, hash: string, ip: string, phase = 'Running'): PodLike {
  return {
    metadata: { name, namespace: 'sample-app', labels: { app: 'sample-app', 'rollouts-pod-template-hash': hash } },
    spec: {
      containers: [
        {
          name: 'sample-app',
          ports: [
            { name: 'http', containerPort: 8080 },
            { name: 'metrics', containerPort: 9090 },
          ],
        },
      ],
    },
    status: { podIP: ip, phase },
  };
}

describe('buildScrapeTargets', () => {
  it('gives one target per pod behind each selected Service, with the operator labels', () => {
    const groups = buildScrapeTargets(
      [monitor],
      [stableSvc, canarySvc],
      [pod('sample-app-aaa-x1', 'aaa', '127.1.0.1'), pod('sample-app-bbb-y2', 'bbb', '127.1.0.2')],
    );
    expect(groups).toEqual([
      {
        targets: ['127.1.0.1:9090'],
        labels: {
          __metrics_path__: '/monitoring/metrics',
          __scheme__: 'http',
          namespace: 'sample-app',
          service: 'sample-app',
          pod: 'sample-app-aaa-x1',
          container: 'sample-app',
          endpoint: 'metrics',
          job: 'sample-app',
          instance: '127.1.0.1:9090',
        },
      },
      {
        targets: ['127.1.0.2:9090'],
        labels: {
          __metrics_path__: '/monitoring/metrics',
          __scheme__: 'http',
          namespace: 'sample-app',
          service: 'sample-app-canary',
          pod: 'sample-app-bbb-y2',
          container: 'sample-app',
          endpoint: 'metrics',
          job: 'sample-app-canary',
          instance: '127.1.0.2:9090',
        },
      },
    ]);
  });

  it('scrapes a pod once per Service that selects it (both Services on one hash, as before a rollout)', () => {
    const both = {
      ...canarySvc,
      spec: { ...canarySvc.spec, selector: { app: 'sample-app', 'rollouts-pod-template-hash': 'aaa' } },
    };
    const groups = buildScrapeTargets([monitor], [stableSvc, both], [pod('p1', 'aaa', '127.1.0.1')]);
    expect(groups.map((g) => g.labels.service)).toEqual(['sample-app', 'sample-app-canary']);
  });

  it.each([
    ['a pod that is not running', pod('p1', 'aaa', '127.1.0.1', 'Pending')],
    ['a pod without an IP', { ...pod('p1', 'aaa', ''), status: { phase: 'Running' } }],
    [
      'a pod in another namespace',
      {
        ...pod('p1', 'aaa', '127.1.0.1'),
        metadata: {
          name: 'p1',
          namespace: 'other',
          labels: { app: 'sample-app', 'rollouts-pod-template-hash': 'aaa' },
        },
      },
    ],
  ])('leaves out %s', (_what, p) => {
    expect(buildScrapeTargets([monitor], [stableSvc], [p])).toEqual([]);
  });

  it("honours namespaceSelector: without one, only the monitor's own namespace", () => {
    const elsewhere = {
      ...monitor,
      metadata: { name: 'm', namespace: 'monitoring' },
      spec: { ...monitor.spec, namespaceSelector: undefined },
    };
    expect(buildScrapeTargets([elsewhere], [stableSvc], [pod('p1', 'aaa', '127.1.0.1')])).toEqual([]);
    const any = { ...elsewhere, spec: { ...elsewhere.spec, namespaceSelector: { any: true } } };
    expect(buildScrapeTargets([any], [stableSvc], [pod('p1', 'aaa', '127.1.0.1')])).toHaveLength(1);
  });

  it('skips an endpoint whose port name the Service does not have', () => {
    const wrong = { ...monitor, spec: { ...monitor.spec, endpoints: [{ port: 'nope' }] } };
    expect(buildScrapeTargets([wrong], [stableSvc], [pod('p1', 'aaa', '127.1.0.1')])).toEqual([]);
  });
});

describe('matchesSelector', () => {
  it.each([
    [{ a: '1' }, { matchLabels: { a: '1' } }, true],
    [{ a: '1' }, { matchLabels: { a: '2' } }, false],
    [{ a: '1' }, { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '3'] }] }, true],
    [{ a: '1' }, { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, false],
    [{ a: '1' }, { matchExpressions: [{ key: 'b', operator: 'Exists' }] }, false],
    [{ a: '1' }, { matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, true],
    [undefined, {}, true],
  ])('labels %j with selector %j -> %s', (labels, selector, want) => {
    expect(matchesSelector(labels, selector)).toBe(want);
  });
});
