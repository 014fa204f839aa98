import { describe, expect, it } from 'vitest';
import type { AnalysisTemplate, AnalysisTemplateSpec, ClusterAnalysisTemplate, Metric } from './analysis.js';
import type { IncomingArg } from './analysis-run-args.js';
import type { RunProblem } from './analysis-run-problems.js';
import { buildAnalysisRunSpec, flattenTemplates, refToTemplate, templateLookup } from './analysis-run-spec.js';
import type { AnyAnalysisTemplate, RunSpecInput } from './analysis-run-spec.js';

const metric = (name: string): Metric => ({ name, provider: { web: { url: 'http://127.0.0.1/' } } });
const ns = (name: string, spec: AnalysisTemplateSpec): AnalysisTemplate => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name, namespace: 'ns' },
  spec,
});
const cluster = (name: string, spec: AnalysisTemplateSpec): ClusterAnalysisTemplate => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ClusterAnalysisTemplate',
  metadata: { name },
  spec,
});

/** Builds from the first template of `all`, looking nested references up among `all`. */
function build(all: AnyAnalysisTemplate[], extra: Partial<RunSpecInput> = {}) {
  return buildAnalysisRunSpec({
    templates: all.slice(0, 1).map(refToTemplate),
    find: templateLookup(all),
    ...extra,
  });
}

describe('buildAnalysisRunSpec: the problems, as data', () => {
  const rollout = { metadata: { name: 'web', labels: {} }, spec: { replicas: 3, selector: { app: 'web' } } };
  const sources = { stablePodHash: 'old', latestPodHash: 'new', fieldRoot: rollout };
  const needs = (...names: string[]) => names.map((name) => ({ name }));
  it.each<[string, AnyAnalysisTemplate[], Partial<RunSpecInput>, RunProblem]>([
    [
      'a missing top-level template',
      [],
      { templates: [{ templateName: 'gone' }] },
      { code: 'template-not-found', ref: { templateName: 'gone' } },
    ],
    [
      'a missing nested ClusterAnalysisTemplate, with the template that names it',
      [ns('outer', { metrics: [metric('m')], templates: [{ templateName: 'inner', clusterScope: true }] })],
      {},
      {
        code: 'template-not-found',
        ref: { templateName: 'inner', clusterScope: true },
        referrer: { kind: 'AnalysisTemplate', name: 'outer' },
      },
    ],
    [
      'two metrics of one name across nested templates',
      [ns('a', { metrics: [metric('m')], templates: [{ templateName: 'b' }] }), ns('b', { metrics: [metric('m')] })],
      {},
      { code: 'duplicate-metric', metric: 'm' },
    ],
    [
      'one arg with two values',
      [
        ns('a', { metrics: [metric('m')], args: [{ name: 'x', value: '1' }], templates: [{ templateName: 'b' }] }),
        ns('b', { metrics: [metric('n')], args: [{ name: 'x', value: '2' }] }),
      ],
      {},
      { code: 'conflicting-arg', arg: 'x', values: ['1', '2'] },
    ],
    [
      'a required arg nobody gives',
      [ns('a', { metrics: [metric('m')], args: needs('x') })],
      {},
      { code: 'unresolved-arg', arg: 'x' },
    ],
    [
      'a Stable hash asked for before there is a stable ReplicaSet',
      [ns('a', { metrics: [metric('m')], args: needs('x') })],
      {
        args: [{ name: 'x', valueFrom: { podTemplateHashValue: 'Stable' } }],
        sources: { latestPodHash: 'new', fieldRoot: rollout },
      },
      { code: 'unresolved-arg', arg: 'x' },
    ],
    [
      'a fieldRef naming nothing in the Rollout',
      [ns('a', { metrics: [metric('m')], args: needs('x') })],
      { args: [{ name: 'x', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } } }], sources },
      { code: 'unresolvable-field', arg: 'x', fieldPath: 'spec.nope' },
    ],
    [
      'a fieldRef naming an object rather than a value',
      [ns('a', { metrics: [metric('m')], args: [{ name: 'x', value: 'default' }] })],
      { args: [{ name: 'x', valueFrom: { fieldRef: { fieldPath: 'spec.selector' } } }], sources },
      { code: 'unresolvable-field', arg: 'x', fieldPath: 'spec.selector' },
    ],
    ['no template, when metrics are required', [], { templates: [], requireMetrics: true }, { code: 'no-templates' }],
    [
      'no metric, when metrics are required',
      [ns('a', { templates: [{ templateName: 'b' }] }), ns('b', {})],
      { requireMetrics: true },
      { code: 'no-metrics' },
    ],
  ])('%s', (_title, templates, extra, problem) => {
    expect(build(templates, extra)).toEqual({ ok: false, problem });
  });

  it('a run with no metric is built when metrics are not required (Argo errors it later, at run time)', () => {
    expect(build([ns('a', {})])).toEqual({ ok: true, value: { metrics: [] } });
    expect(build([], { templates: [] })).toEqual({ ok: true, value: { metrics: [] } });
  });
});

describe('buildAnalysisRunSpec: the spec', () => {
  it('joins metrics depth first, each template once, and copies what it takes', () => {
    const a = ns('a', { metrics: [metric('m1')], templates: [{ templateName: 'b' }, { templateName: 'c' }] });
    const b = ns('b', { metrics: [metric('m2')], templates: [{ templateName: 'a' }, { templateName: 'c' }] });
    const c = cluster('c', { metrics: [metric('m3')] });
    const cAsNamespaced = ns('c', { metrics: [metric('namespaced-c')] });
    const built = build([a, b, c, cAsNamespaced]);
    expect(built.ok && built.value.metrics.map((m) => m.name)).toEqual(['m1', 'm2', 'namespaced-c']);
    const viaCluster = build([a, b, c], { templates: [{ templateName: 'c', clusterScope: true }] });
    expect(viaCluster.ok && viaCluster.value.metrics.map((m) => m.name)).toEqual(['m3']);
    expect(built.ok && built.value.metrics[0]).not.toBe(a.spec.metrics?.[0]);
  });

  it('merges args: incoming values win, unknown incoming args are dropped, valueFrom is kept or resolved', () => {
    const t = ns('a', {
      metrics: [metric('m')],
      args: [
        { name: 'plain' },
        { name: 'defaulted', value: 'd' },
        { name: 'secret', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
        { name: 'hash' },
        { name: 'who' },
      ],
    });
    const incoming: IncomingArg[] = [
      { name: 'plain', value: 'p' },
      { name: 'unknown', value: 'u' },
      { name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } },
      { name: 'who', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
    ];
    const root = { metadata: { labels: { team: 'blue' } } };
    const built = build([t], { args: incoming, sources: { latestPodHash: 'h1', fieldRoot: root } });
    expect(built.ok && built.value.args).toEqual([
      { name: 'plain', value: 'p' },
      { name: 'defaulted', value: 'd' },
      { name: 'secret', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'hash', value: 'h1' },
      { name: 'who', value: 'blue' },
    ]);
  });

  it('without sources an incoming valueFrom is carried into the run as it is', () => {
    const t = ns('a', { metrics: [metric('m')], args: [{ name: 'token' }] });
    const secretKeyRef = { name: 's', key: 'k' };
    const built = build([t], { args: [{ name: 'token', valueFrom: { secretKeyRef } }] });
    expect(built.ok && built.value.args).toEqual([{ name: 'token', valueFrom: { secretKeyRef } }]);
  });

  it("puts the templates' dryRun and retention first, then the caller's, and leaves empty lists out", () => {
    const a = ns('a', {
      metrics: [metric('m')],
      dryRun: [{ metricName: 'm' }],
      measurementRetention: [{ metricName: 'm', limit: 3 }],
    });
    const built = build([a], {
      dryRun: [{ metricName: '.*' }],
      measurementRetention: [{ metricName: '.*', limit: 5 }],
    });
    expect(built).toEqual({
      ok: true,
      value: {
        metrics: [metric('m')],
        dryRun: [{ metricName: 'm' }, { metricName: '.*' }],
        measurementRetention: [
          { metricName: 'm', limit: 3 },
          { metricName: '.*', limit: 5 },
        ],
      },
    });
  });
});

describe('flattenTemplates', () => {
  it('reaches every template once and keeps kinds apart', () => {
    const all = [
      ns('x', { templates: [{ templateName: 'x', clusterScope: true }, { templateName: 'x' }] }),
      cluster('x', { templates: [{ templateName: 'x' }] }),
    ];
    const flat = flattenTemplates([{ templateName: 'x' }], templateLookup(all));
    expect(flat.ok && flat.value.map((t) => t.kind)).toEqual(['AnalysisTemplate', 'ClusterAnalysisTemplate']);
  });
});
