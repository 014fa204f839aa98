import { describe, expect, it } from 'vitest';
import type { AnalysisTemplate, Metric, Rollout, RunProblem } from '../api/index.js';
import { buildAnalysisRun, collectTemplates, describeRunProblem, runName } from './analysis-run.js';
import type { Context } from './context.js';

const metric = (name: string): Metric => ({ name, provider: { web: { url: 'http://127.0.0.1/' } } });
const template = (name: string, spec: AnalysisTemplate['spec']): AnalysisTemplate => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name, namespace: 'ns' },
  spec,
});

const rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'ns', uid: 'u1', labels: { team: 'a' } },
  spec: { selector: { matchLabels: { app: 'web' } }, strategy: { canary: {} } },
} as Rollout;

function ctx(templates: AnalysisTemplate[]): Context {
  return {
    rollout,
    name: 'web',
    namespace: 'ns',
    podHash: 'abc',
    revision: 3,
    status: { stableRS: 'old' },
    observed: { analysisTemplates: templates, clusterAnalysisTemplates: [] },
  } as unknown as Context;
}

describe('building AnalysisRuns', () => {
  it('flattens nested templates once each and joins metrics and args', () => {
    const c = ctx([
      template('a', { metrics: [metric('m1')], args: [{ name: 'x' }], templates: [{ templateName: 'b' }] }),
      template('b', { metrics: [metric('m2')], templates: [{ templateName: 'a' }] }),
    ]);
    const built = buildAnalysisRun(
      c,
      'Background',
      { templates: [{ templateName: 'a' }], args: [{ name: 'x', value: '1' }] },
      'n',
    );
    expect('run' in built && built.run.spec.metrics.map((m) => m.name)).toEqual(['m1', 'm2']);
    expect('run' in built && built.run.spec.args).toEqual([{ name: 'x', value: '1' }]);
    expect('run' in built && built.run.metadata.labels).toEqual({
      app: 'web',
      'rollouts-pod-template-hash': 'abc',
      'rollout-type': 'Background',
    });
  });

  it.each([
    [
      [template('a', { metrics: [metric('m')] }), template('b', { metrics: [metric('m')] })],
      "two metrics have the same name 'm'",
    ],
    [[template('a', { metrics: [metric('m')], args: [{ name: 'need' }] })], 'args.need was not resolved'],
    [[], 'AnalysisTemplate "a" not found: create it or fix the templateName'],
  ])('reports %#: %s', (templates, message) => {
    const refs = templates.length > 1 ? [{ templateName: 'a' }, { templateName: 'b' }] : [{ templateName: 'a' }];
    expect(buildAnalysisRun(ctx(templates), 'Step', { templates: refs }, 'n', 1)).toEqual({ error: message });
  });

  it("resolves the Rollout's args: value, podTemplateHashValue Stable/Latest and fieldRef into the Rollout", () => {
    const c = ctx([
      template('a', {
        metrics: [metric('m')],
        args: [{ name: 's' }, { name: 'l' }, { name: 'team' }, { name: 'app' }],
      }),
    ]);
    const built = buildAnalysisRun(
      c,
      'Step',
      {
        templates: [{ templateName: 'a' }],
        args: [
          { name: 's', valueFrom: { podTemplateHashValue: 'Stable' } },
          { name: 'l', valueFrom: { podTemplateHashValue: 'Latest' } },
          { name: 'team', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
          { name: 'app', valueFrom: { fieldRef: { fieldPath: 'spec.selector.matchLabels.app' } } },
        ],
      },
      'n',
      1,
    );
    expect('run' in built && built.run.spec.args).toEqual([
      { name: 's', value: 'old' },
      { name: 'l', value: 'abc' },
      { name: 'team', value: 'a' },
      { name: 'app', value: 'web' },
    ]);
  });

  it('collects templates for the spec check, or says which one is missing', () => {
    const c = ctx([template('a', { metrics: [metric('m')], templates: [{ templateName: 'b', clusterScope: true }] })]);
    expect(collectTemplates(c, [{ templateName: 'a' }])).toBe(
      'ClusterAnalysisTemplate "b" not found: create it or fix the templateName',
    );
    expect(collectTemplates(ctx([template('b', {})]), [{ templateName: 'b' }])).toEqual([{}]);
  });

  it.each<[RunProblem, string]>([
    [
      { code: 'template-not-found', ref: { templateName: 't' } },
      'AnalysisTemplate "t" not found: create it or fix the templateName',
    ],
    [
      {
        code: 'template-not-found',
        ref: { templateName: 't', clusterScope: true },
        referrer: { kind: 'AnalysisTemplate', name: 'outer' },
      },
      'ClusterAnalysisTemplate "t" not found: create it or fix the templateName',
    ],
    [{ code: 'duplicate-metric', metric: 'm' }, "two metrics have the same name 'm'"],
    [
      { code: 'conflicting-arg', arg: 'x', values: ['1', '2'] },
      'arguments of templates conflict: args.x has two values, "1" and "2"',
    ],
    [
      { code: 'unresolvable-field', arg: 'x', fieldPath: 'spec.nope' },
      'args.x: valueFrom.fieldRef.fieldPath "spec.nope" names no value in the Rollout: fix the fieldPath',
    ],
    [{ code: 'unresolved-arg', arg: 'x' }, 'args.x was not resolved'],
    [{ code: 'no-templates' }, 'the analysis names no template: add one under templates'],
    [{ code: 'no-metrics' }, 'the analysis templates declare no metrics: add at least one metric'],
  ])('words %j as the InvalidSpec message', (problem, message) => {
    expect(describeRunProblem(problem)).toBe(message);
  });

  it('names runs <rollout>-<hash>-<revision>[-<step>] with .N on collision', () => {
    const c = ctx([]);
    expect(runName(c, undefined, new Set())).toBe('web-abc-3');
    expect(runName(c, 2, new Set())).toBe('web-abc-3-2');
    expect(runName(c, undefined, new Set(['web-abc-3', 'web-abc-3.1']))).toBe('web-abc-3.2');
  });
});
