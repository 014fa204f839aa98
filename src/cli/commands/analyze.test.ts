import { describe, expect, it } from 'vitest';
import type { AnalysisTemplate } from '../../api/index.js';
import { KanaryError } from '../../common/index.js';
import { ANALYZE_EXIT_CODES, formatMeasurementLine, runFromTemplates } from './analyze.js';

function template(name: string, spec: AnalysisTemplate['spec']): AnalysisTemplate {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name, namespace: 'apps' }, spec };
}

const metric = (name: string) => ({ name, provider: { web: { url: 'http://127.0.0.1:9/{{args.token}}' } } });

describe('kanary analyze: from the template file to a run', () => {
  it('names the run after the template, in its namespace; --arg values override template values', () => {
    const t = template('checks', { metrics: [metric('a')], args: [{ name: 'token', value: 'x' }] });
    const { run, secrets } = runFromTemplates([t], new Map([['token', 'y']]));
    expect(run.metadata).toMatchObject({ name: 'checks-analyze', namespace: 'apps' });
    expect(run.spec.args).toEqual([{ name: 'token', value: 'y' }]);
    expect(secrets).toEqual({});
  });

  it('a secret-backed arg given with --arg stays a secret (the engine redacts it)', () => {
    const t = template('checks', {
      metrics: [metric('a')],
      args: [{ name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
    });
    const { run, secrets } = runFromTemplates([t], new Map([['token', 'hunter2']]));
    expect(run.spec.args?.[0]?.valueFrom?.secretKeyRef?.name).toBe('s');
    expect(secrets).toEqual({ token: 'hunter2' });
  });

  it('a secret-backed arg not given is a usage error that says how to pass it', () => {
    const t = template('checks', {
      metrics: [metric('a')],
      args: [{ name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
    });
    expect(() => runFromTemplates([t], new Map())).toThrow(KanaryError);
    expect(() => runFromTemplates([t], new Map())).toThrow('pass --arg token=VALUE');
  });

  it('nested templates are found in the same file', () => {
    const outer = template('outer', {
      metrics: [metric('a')],
      templates: [{ templateName: 'inner' }],
      args: [{ name: 'token', value: 't' }],
    });
    const inner = template('inner', { metrics: [metric('b')] });
    const { run } = runFromTemplates([outer, inner], new Map());
    expect(run.spec.metrics.map((m) => m.name)).toEqual(['a', 'b']);
  });

  it('prints a measurement as time, metric, phase, value and message', () => {
    const line = formatMeasurementLine('m', {
      phase: 'Error',
      finishedAt: '2026-01-01T00:00:00.000Z',
      message: 'boom',
    });
    expect(line).toBe('2026-01-01T00:00:00.000Z  m  Error  -  boom');
  });

  it.each([
    ['Successful', 0],
    ['Failed', 1],
    ['Error', 2],
    ['Inconclusive', 3],
  ] as const)('exit code for %s is %i', (phase, code) => {
    expect(ANALYZE_EXIT_CODES[phase]).toBe(code);
  });
});
