import { describe, expect, it } from 'vitest';
import { buildRoutingTable, parseCanaryPolicy } from './build.js';
import { parseRoutingTable } from './table.js';
import { canaryAnnotations, ingress, pod, service } from './testing.js';

const stableSvc = service('sample-app', { app: 'sample-app', 'rollouts-pod-template-hash': 'aaa' }, { port: 80 });
const canarySvc = service(
  'sample-app-canary',
  { app: 'sample-app', 'rollouts-pod-template-hash': 'bbb' },
  { port: 80 },
);
const podA = pod('sample-app-aaa-x1', { app: 'sample-app', 'rollouts-pod-template-hash': 'aaa' }, '127.1.0.2', 8080);
const podB = pod('sample-app-bbb-y1', { app: 'sample-app', 'rollouts-pod-template-hash': 'bbb' }, '127.1.0.3', 8080);

describe('buildRoutingTable', () => {
  it('maps an Ingress path to the Service ready endpoints with revision and pod name', () => {
    const t = buildRoutingTable({
      ingresses: [ingress('sample-app', { host: 'Sample.App', service: 'sample-app', port: 'http' })],
      services: [stableSvc],
      pods: [podA, podB],
    });
    expect(t.hosts).toHaveLength(1);
    expect(t.hosts[0]!.host).toBe('sample.app');
    expect(t.hosts[0]!.routes[0]!.backend.endpoints).toEqual([
      { ip: '127.1.0.2', port: 8080, pod: 'sample-app-aaa-x1', revision: 'aaa' },
    ]);
    expect(t.warnings).toEqual([]);
    expect(parseRoutingTable(JSON.parse(JSON.stringify(t)))).toEqual(t);
  });

  it('resolves the Service port by number too, and a numeric targetPort', () => {
    const svc = service('s', { app: 'x' }, { port: 9000, targetPort: 7000 });
    const t = buildRoutingTable({
      ingresses: [ingress('i', { service: 's', port: 9000 })],
      services: [svc],
      pods: [pod('p', { app: 'x' }, '127.1.0.9', 1234)],
    });
    expect(t.hosts[0]!.routes[0]!.backend.endpoints[0]!.port).toBe(7000);
  });

  it.each([
    [
      'not ready',
      pod('p', { app: 'sample-app', 'rollouts-pod-template-hash': 'aaa' }, '127.1.0.2', 1, { ready: false }),
    ],
    [
      'terminating',
      pod('p', { app: 'sample-app', 'rollouts-pod-template-hash': 'aaa' }, '127.1.0.2', 1, { deleting: true }),
    ],
    [
      'other namespace',
      pod('p', { app: 'sample-app', 'rollouts-pod-template-hash': 'aaa' }, '127.1.0.2', 1, { namespace: 'x' }),
    ],
    ['selector mismatch', pod('p', { app: 'sample-app', 'rollouts-pod-template-hash': 'zzz' }, '127.1.0.2', 1)],
    ['no IP', pod('p', { app: 'sample-app', 'rollouts-pod-template-hash': 'aaa' }, '', 1)],
  ])('leaves out a pod that is %s', (_name, p) => {
    const t = buildRoutingTable({
      ingresses: [ingress('sample-app', { service: 'sample-app' })],
      services: [stableSvc],
      pods: [p],
    });
    expect(t.hosts[0]!.routes[0]!.backend.endpoints).toEqual([]);
  });

  it('attaches a canary Ingress to the route with the same host and path, with its annotations parsed', () => {
    const t = buildRoutingTable({
      ingresses: [
        ingress('sample-app', { host: 'sample.app', service: 'sample-app' }),
        ingress('sample-app-sample-app-canary', {
          host: 'sample.app',
          service: 'sample-app-canary',
          annotations: canaryAnnotations({ 'canary-weight': '25', 'canary-by-header': 'X-Canary' }),
        }),
      ],
      services: [stableSvc, canarySvc],
      pods: [podA, podB],
    });
    const r = t.hosts[0]!.routes[0]!;
    expect(r.ingress.name).toBe('sample-app');
    expect(r.canaries).toHaveLength(1);
    expect(r.canaries[0]!.policy).toEqual({ weight: 25, weightTotal: 100, header: 'X-Canary' });
    expect(r.canaries[0]!.backend.endpoints.map((e) => e.revision)).toEqual(['bbb']);
  });

  it('ignores a canary without a main Ingress, with a warning', () => {
    const t = buildRoutingTable({
      ingresses: [
        ingress('main', { host: 'a.test', service: 'sample-app' }),
        ingress('c', {
          host: 'b.test',
          service: 'sample-app-canary',
          annotations: canaryAnnotations({ 'canary-weight': '5' }),
        }),
      ],
      services: [stableSvc, canarySvc],
      pods: [],
    });
    expect(t.hosts.map((h) => h.host)).toEqual(['a.test']);
    expect(t.warnings.join('\n')).toMatch(/canary Ingress default\/c: no non-canary Ingress serves host "b.test"/);
  });

  it('orders routes longest first, Exact before Prefix at equal length; the oldest Ingress wins a duplicate', () => {
    const svc = service('s', { app: 'x' });
    const t = buildRoutingTable({
      ingresses: [
        ingress('new', { path: '/api', service: 's', created: '2026-02-01T00:00:00Z' }),
        ingress('old', { path: '/api', service: 's', created: '2026-01-01T00:00:00Z' }),
        ingress('root', { path: '/', service: 's' }),
        ingress('exact', { path: '/apix', pathType: 'Exact', service: 's' }),
        ingress('long', { path: '/apiy', service: 's' }),
      ],
      services: [svc],
      pods: [],
    });
    expect(t.hosts[0]!.routes.map((r) => `${r.pathType}:${r.path}:${r.ingress.name}`)).toEqual([
      'Exact:/apix:exact',
      'Prefix:/apiy:long',
      'Prefix:/api:old',
      'Prefix:/:root',
    ]);
    expect(t.warnings.join('\n')).toMatch(/Ingress default\/new: host "" path "\/api" is already served/);
  });

  it('warns about a missing Service or port and keeps the route with no endpoints (503)', () => {
    const t = buildRoutingTable({
      ingresses: [
        ingress('a', { path: '/a', service: 'nope' }),
        ingress('b', { path: '/b', service: 'sample-app', port: 81 }),
      ],
      services: [stableSvc],
      pods: [podA],
    });
    expect(t.hosts[0]!.routes.every((r) => r.backend.endpoints.length === 0)).toBe(true);
    expect(t.warnings).toHaveLength(2);
  });

  it('gives the same version for the same objects in any order, and a new one when a weight changes', () => {
    const objs = (w: string) => ({
      ingresses: [
        ingress('main', { service: 'sample-app' }),
        ingress('c', { service: 'sample-app-canary', annotations: canaryAnnotations({ 'canary-weight': w }) }),
      ],
      services: [stableSvc, canarySvc],
      pods: [podA, podB],
    });
    const a = buildRoutingTable(objs('25'));
    const o = objs('25');
    const b = buildRoutingTable({
      ingresses: [...o.ingresses].reverse(),
      services: [...o.services].reverse(),
      pods: [...o.pods].reverse(),
    });
    expect(b.version).toBe(a.version);
    expect(buildRoutingTable(objs('50')).version).not.toBe(a.version);
  });
});

describe('parseCanaryPolicy', () => {
  it.each<[Record<string, string>, object, number]>([
    [{}, { weight: 0, weightTotal: 100 }, 0],
    [{ 'canary-weight': '30', 'canary-weight-total': '1000' }, { weight: 30, weightTotal: 1000 }, 0],
    [{ 'canary-weight': 'ten' }, { weight: 0, weightTotal: 100 }, 1],
    [{ 'canary-weight': '-5' }, { weight: 0, weightTotal: 100 }, 1],
    [
      { 'canary-by-header': 'X-Canary', 'canary-by-header-value': 'yes', 'canary-by-cookie': 'c' },
      { weight: 0, weightTotal: 100, header: 'X-Canary', headerValue: 'yes', cookie: 'c' },
      0,
    ],
    [{ 'canary-by-header-pattern': '(' }, { weight: 0, weightTotal: 100, headerPattern: '(' }, 1],
  ])('%j', (annotations, expected, warningCount) => {
    const warnings: string[] = [];
    const policy = parseCanaryPolicy(
      ingress('i', { service: 's', annotations: canaryAnnotations(annotations) }),
      warnings,
    );
    expect(policy).toEqual(expected);
    expect(warnings).toHaveLength(warningCount);
  });
});
