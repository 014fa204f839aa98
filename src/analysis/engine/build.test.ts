import { describe, expect, it } from 'vitest';
import type { AnalysisTemplate, RunProblem } from '../../api/index.js';
import { KanaryError } from '../../common/index.js';
import { buildAnalysisRun, describeRunProblemForCli } from './build.js';
import { metric } from './testing.js';

describe('buildAnalysisRun (§3.1, §3.3)', () => {
  const template = (name: string, spec: AnalysisTemplate['spec']): AnalysisTemplate => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace: 'ns' },
    spec,
  });

  it('merges metrics, args (incoming values win), dryRun and retention, and sets the metadata', () => {
    const a = template('a', {
      metrics: [metric('m1')],
      args: [{ name: 'x' }, { name: 'y', value: '1' }],
      dryRun: [{ metricName: 'm1' }],
    });
    const b = template('b', { metrics: [metric('m2')], args: [{ name: 'y', value: '1' }] });
    const run = buildAnalysisRun(
      [a, b],
      [
        { name: 'x', value: 'given' },
        { name: 'y', value: '2' },
        { name: 'z', value: '9' },
      ],
      {
        name: 'r',
        namespace: 'ns',
        labels: { l: 'v' },
      },
    );
    expect(run.metadata).toEqual({ name: 'r', namespace: 'ns', labels: { l: 'v' } });
    expect(run.spec.metrics.map((m) => m.name)).toEqual(['m1', 'm2']);
    expect(run.spec.args).toEqual([
      { name: 'x', value: 'given' },
      { name: 'y', value: '2' },
    ]);
    expect(run.spec.dryRun).toEqual([{ metricName: 'm1' }]);
  });

  it('flattens nested templates once each', () => {
    const inner = template('inner', { metrics: [metric('deep')] });
    const outer = template('outer', { metrics: [metric('top')], templates: [{ templateName: 'inner' }] });
    const run = buildAnalysisRun([outer, inner], [], { name: 'r', namespace: 'ns', findTemplate: () => inner });
    expect(run.spec.metrics.map((m) => m.name)).toEqual(['top', 'deep']);
  });

  it.each([
    [
      'two metrics with the same name',
      [template('a', { metrics: [metric('m')] }), template('b', { metrics: [metric('m')] })],
      [],
      "two metrics have the same name 'm'",
    ],
    [
      'one arg with two values',
      [
        template('a', { metrics: [metric('m')], args: [{ name: 'x', value: '1' }] }),
        template('b', { metrics: [metric('n')], args: [{ name: 'x', value: '2' }] }),
      ],
      [],
      'args.x has two values',
    ],
    [
      'a required arg not given',
      [template('a', { metrics: [metric('m')], args: [{ name: 'x' }] })],
      [],
      'args.x was not resolved',
    ],
  ])('rejects %s', (_title, templates, args, message) => {
    expect(() => buildAnalysisRun(templates, args, { name: 'r', namespace: 'ns' })).toThrow(KanaryError);
    expect(() => buildAnalysisRun(templates, args, { name: 'r', namespace: 'ns' })).toThrow(message);
  });

  it('finds nested templates among the given ones without a lookup', () => {
    const inner = template('inner', { metrics: [metric('deep')] });
    const outer = template('outer', { metrics: [metric('top')], templates: [{ templateName: 'inner' }] });
    const run = buildAnalysisRun([outer, inner], [], { name: 'r', namespace: 'ns' });
    expect(run.spec.metrics.map((m) => m.name)).toEqual(['top', 'deep']);
  });

  it.each([
    ['no template', [], 'no analysis template given: an AnalysisRun needs at least one template'],
    ['no metric', [template('a', {})], 'the templates declare no metrics: add at least one metric'],
    [
      'a nested template not found',
      [template('a', { metrics: [metric('m')], templates: [{ templateName: 'b' }] })],
      'AnalysisTemplate "a" refers to AnalysisTemplate "b", which was not found: create it or fix spec.templates',
    ],
  ])('rejects %s with the message for the command line', (_title, templates, message) => {
    expect(() => buildAnalysisRun(templates, [], { name: 'r', namespace: 'ns' })).toThrow(message);
  });
});

describe('describeRunProblemForCli', () => {
  it.each<[RunProblem, string]>([
    [
      { code: 'template-not-found', ref: { templateName: 't', clusterScope: true } },
      'ClusterAnalysisTemplate "t" was not found: create it or fix the templateName',
    ],
    [
      {
        code: 'template-not-found',
        ref: { templateName: 't' },
        referrer: { kind: 'ClusterAnalysisTemplate', name: 'o' },
      },
      'ClusterAnalysisTemplate "o" refers to AnalysisTemplate "t", which was not found: create it or fix spec.templates',
    ],
    [{ code: 'duplicate-metric', metric: 'm' }, "two metrics have the same name 'm'"],
    [
      { code: 'conflicting-arg', arg: 'x', values: ['1', '2'] },
      'arguments of templates conflict: args.x has two values, "1" and "2"',
    ],
    [
      { code: 'unresolvable-field', arg: 'x', fieldPath: 'spec.nope' },
      'args.x: valueFrom.fieldRef.fieldPath "spec.nope" names no value: give it a value (for example --arg x=VALUE)',
    ],
    [{ code: 'unresolved-arg', arg: 'x' }, 'args.x was not resolved: give it a value (for example --arg x=VALUE)'],
    [{ code: 'no-templates' }, 'no analysis template given: an AnalysisRun needs at least one template'],
    [{ code: 'no-metrics' }, 'the templates declare no metrics: add at least one metric'],
  ])('words %j with the --arg hint where it helps', (problem, message) => {
    expect(describeRunProblemForCli(problem)).toBe(message);
  });
});
