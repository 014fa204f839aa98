import { describe, expect, it } from 'vitest';
import type { AnalysisTemplate, Metric, Rollout } from '../api/index.js';
import { buildAnalysisRun, fieldValue, runName } from './analysis-run.js';
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

  it('resolves downward-API paths and plain paths into the Rollout', () => {
    expect(fieldValue(rollout, 'metadata.name')).toBe('web');
    expect(fieldValue(rollout, "metadata.labels['team']")).toBe('a');
    expect(fieldValue(rollout, 'spec.selector.matchLabels.app')).toBe('web');
    expect(fieldValue(rollout, 'spec.nope')).toBeUndefined();
  });

  it('names runs <rollout>-<hash>-<revision>[-<step>] with .N on collision', () => {
    const c = ctx([]);
    expect(runName(c, undefined, new Set())).toBe('web-abc-3');
    expect(runName(c, 2, new Set())).toBe('web-abc-3-2');
    expect(runName(c, undefined, new Set(['web-abc-3', 'web-abc-3.1']))).toBe('web-abc-3.2');
  });
});
