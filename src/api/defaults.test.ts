import { describe, expect, it } from 'vitest';
import {
  applyAnalysisRunDefaults,
  applyAnalysisTemplateDefaults,
  applyMetricDefaults,
  applyRolloutDefaults,
  measurementRetentionFor,
  metricNamePatternMatches,
} from './defaults.js';
import { analysisRunFixture, metricFixture, rolloutFixture, templateFixture } from './fixtures.js';
import type { Rollout } from './rollout.js';
import { validateRollout } from './validate.js';

/** Reads a dotted path out of an object. */
function at(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

describe('applyRolloutDefaults', () => {
  const routed = applyRolloutDefaults(rolloutFixture());
  const basic = (() => {
    const r = rolloutFixture();
    r.spec.strategy.canary = { steps: [{ setWeight: 50 }], analysis: { templates: [{ templateName: 'checks' }] } };
    return applyRolloutDefaults(r);
  })();

  it.each([
    ['spec.replicas', 1],
    ['spec.revisionHistoryLimit', 10],
    ['spec.progressDeadlineSeconds', 600],
    ['spec.minReadySeconds', 0],
    ['spec.analysis.successfulRunHistoryLimit', 5],
    ['spec.analysis.unsuccessfulRunHistoryLimit', 5],
    ['spec.strategy.canary.maxSurge', '25%'],
    ['spec.strategy.canary.maxUnavailable', '25%'],
    ['spec.strategy.canary.scaleDownDelaySeconds', 30],
    ['spec.strategy.canary.abortScaleDownDelaySeconds', 30],
    ['spec.strategy.canary.trafficRouting.nginx.annotationPrefix', 'nginx.ingress.kubernetes.io'],
  ])('with traffic routing, %s defaults to %j', (path, value) => {
    expect(at(routed, path)).toEqual(value);
  });

  it.each([
    ['spec.strategy.canary.scaleDownDelaySeconds', undefined],
    ['spec.strategy.canary.abortScaleDownDelaySeconds', undefined],
    ['spec.strategy.canary.analysis.startingStep', 0],
    ['spec.strategy.canary.maxSurge', '25%'],
  ])('basic canary: %s is %j', (path, value) => {
    expect(at(basic, path)).toEqual(value);
  });

  it('does not add maxTrafficWeight (nginx writes canary-weight-total only when the user set it)', () => {
    expect(routed.spec.strategy.canary?.trafficRouting?.maxTrafficWeight).toBeUndefined();
  });

  it('keeps every value the user set', () => {
    const r = rolloutFixture();
    r.spec.replicas = 4;
    r.spec.revisionHistoryLimit = 2;
    r.spec.strategy.canary!.maxSurge = 1;
    r.spec.strategy.canary!.abortScaleDownDelaySeconds = 0;
    const d = applyRolloutDefaults(r);
    expect(d.spec.replicas).toBe(4);
    expect(d.spec.revisionHistoryLimit).toBe(2);
    expect(d.spec.strategy.canary?.maxSurge).toBe(1);
    expect(d.spec.strategy.canary?.abortScaleDownDelaySeconds).toBe(0);
  });

  it('does not write scaleDownDelaySeconds next to dynamicStableScale (that combination is invalid)', () => {
    const r = rolloutFixture();
    r.spec.strategy.canary!.dynamicStableScale = true;
    const d = applyRolloutDefaults(r);
    expect(d.spec.strategy.canary?.scaleDownDelaySeconds).toBeUndefined();
    expect(validateRollout(d)).toEqual([]);
  });

  it('returns a copy and leaves its input alone', () => {
    const r: Rollout = rolloutFixture();
    const before = structuredClone(r);
    applyRolloutDefaults(r);
    expect(r).toEqual(before);
  });

  it('gives an object that still validates', () => {
    expect(validateRollout(routed)).toEqual([]);
  });
});

describe('applyMetricDefaults', () => {
  const m = applyMetricDefaults(metricFixture());
  it.each([
    ['failureLimit', 0],
    ['inconclusiveLimit', 0],
    ['consecutiveErrorLimit', 4],
    ['consecutiveSuccessLimit', 0],
    ['provider.prometheus.timeout', 30],
  ])('%s defaults to %j', (path, value) => {
    expect(at(m, path)).toEqual(value);
  });

  it.each([
    ['provider.web.method', 'GET'],
    ['provider.web.timeoutSeconds', 10],
    ['provider.web.jsonPath', '{$}'],
  ])('web: %s defaults to %j', (path, value) => {
    const web = applyMetricDefaults({ name: 'w', provider: { web: { url: 'http://127.0.0.1/x' } } });
    expect(at(web, path)).toEqual(value);
  });

  it('keeps templated limits as they are', () => {
    const t = applyMetricDefaults({ ...metricFixture(), failureLimit: '{{args.limit}}' });
    expect(t.failureLimit).toBe('{{args.limit}}');
  });

  it('applies to every metric of templates and runs', () => {
    expect(applyAnalysisTemplateDefaults(templateFixture()).spec.metrics?.[0]?.consecutiveErrorLimit).toBe(4);
    expect(applyAnalysisRunDefaults(analysisRunFixture()).spec.metrics[0]?.failureLimit).toBe(0);
  });
});

describe('measurement retention', () => {
  it.each([
    ['success-rate', undefined, 10],
    ['success-rate', [{ metricName: 'success-rate', limit: 3 }], 3],
    ['success-rate', [{ metricName: 'success.*', limit: 20 }], 20],
    ['latency', [{ metricName: 'success.*', limit: 20 }], 10],
    ['latency', [{ metricName: '*', limit: 7 }], 7],
  ])('%s with %j keeps %d', (name, retention, limit) => {
    expect(measurementRetentionFor(name, retention)).toBe(limit);
  });

  it('matches metric name patterns as whole-name regular expressions', () => {
    expect(metricNamePatternMatches('rate', 'success-rate')).toBe(false);
    expect(metricNamePatternMatches('(', '(')).toBe(true);
    expect(metricNamePatternMatches('(', 'x')).toBe(false);
  });
});
