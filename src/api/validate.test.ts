import { describe, expect, it } from 'vitest';
import { KanaryError } from '../common/index.js';
import type { Metric } from './analysis.js';
import { analysisRunFixture, metricFixture, rolloutFixture, templateFixture } from './fixtures.js';
import { formatFieldPath, type ValidationIssue } from './issues.js';
import type { Rollout } from './rollout.js';
import type { KubeObject } from './meta.js';
import {
  assertValid,
  validateAnalysisRun,
  validateAnalysisTemplate,
  validateObject,
  validateRollout,
} from './validate.js';

function messages(issues: ValidationIssue[]): string[] {
  return issues.map((i) => `${formatFieldPath(i.path)}: ${i.message}`);
}

function withRollout(change: (r: Rollout) => void): ValidationIssue[] {
  const r = rolloutFixture();
  change(r);
  return validateRollout(r);
}

function withMetric(change: Partial<Metric>): ValidationIssue[] {
  const t = templateFixture();
  t.spec.metrics = [{ ...metricFixture(), ...change }];
  return validateAnalysisTemplate(t);
}

describe('validateRollout', () => {
  it('accepts the fixture', () => {
    expect(validateRollout(rolloutFixture())).toEqual([]);
  });

  it.each<[string, (r: Rollout) => void, string]>([
    [
      'weight above maxTrafficWeight',
      (r) => {
        r.spec.strategy.canary!.trafficRouting!.maxTrafficWeight = 10;
        r.spec.strategy.canary!.steps = [{ setWeight: 20 }];
      },
      'spec.strategy.canary.steps[0].setWeight: setWeight 20 must be between 0 and 10',
    ],
    [
      'canary and stable the same',
      (r) => {
        r.spec.strategy.canary!.canaryService = 'demo';
      },
      'spec.strategy.canary.stableService: canaryService and stableService are both "demo"',
    ],
    [
      'stable service missing with routing',
      (r) => {
        delete r.spec.strategy.canary!.stableService;
      },
      'spec.strategy.canary.stableService: stableService is not set: Canary service and Stable service must to be set',
    ],
    [
      'both stableIngress and stableIngresses',
      (r) => {
        r.spec.strategy.canary!.trafficRouting!.nginx!.stableIngresses = ['other'];
      },
      'spec.strategy.canary.trafficRouting.nginx: set exactly one of stableIngress or stableIngresses',
    ],
    [
      'dynamicStableScale with scaleDownDelaySeconds',
      (r) => {
        r.spec.strategy.canary!.dynamicStableScale = true;
        r.spec.strategy.canary!.scaleDownDelaySeconds = 10;
      },
      'scaleDownDelaySeconds cannot be used with dynamicStableScale',
    ],
    [
      'dynamicStableScale without routing',
      (r) => {
        delete r.spec.strategy.canary!.trafficRouting;
        r.spec.strategy.canary!.dynamicStableScale = true;
      },
      'spec.strategy.canary.dynamicStableScale: dynamicStableScale can only be used with trafficRouting',
    ],
    [
      'maxUnavailable above 100%',
      (r) => {
        r.spec.strategy.canary!.maxUnavailable = '150%';
      },
      'maxUnavailable "150%" must not exceed 100%',
    ],
    [
      'antiAffinity with both kinds',
      (r) => {
        r.spec.strategy.canary!.antiAffinity = {
          preferredDuringSchedulingIgnoredDuringExecution: { weight: 0 },
          requiredDuringSchedulingIgnoredDuringExecution: {},
        };
      },
      'set exactly one of preferredDuringSchedulingIgnoredDuringExecution',
    ],
    [
      'antiAffinity weight out of range',
      (r) => {
        r.spec.strategy.canary!.antiAffinity = { preferredDuringSchedulingIgnoredDuringExecution: { weight: 0 } };
      },
      'weight 0 must be within 1..100',
    ],
    [
      'replicaProgressThreshold over 100%',
      (r) => {
        r.spec.strategy.canary!.replicaProgressThreshold = { type: 'Percent', value: 120 };
      },
      'replicaProgressThreshold value 120 must be within 0..100',
    ],
    [
      'setHeaderRoute not in managedRoutes',
      (r) => {
        r.spec.strategy.canary!.trafficRouting = {
          plugins: { 'argoproj-labs/gatewayAPI': {} },
          managedRoutes: [{ name: 'a' }],
        };
        r.spec.strategy.canary!.steps = [{ setHeaderRoute: { name: 'b' } }];
      },
      "setHeaderRoute route 'b' must be listed in trafficRouting.managedRoutes",
    ],
    [
      'routing without a router',
      (r) => {
        r.spec.strategy.canary!.trafficRouting = {};
      },
      'trafficRouting must configure a router',
    ],
    [
      'pingPong',
      (r) => {
        r.spec.strategy.canary!.pingPong = { pingService: 'ping', pongService: 'pong' };
      },
      'pingPong services is not supported yet',
    ],
    [
      'restartAt not a time',
      (r) => {
        r.spec.restartAt = 'tomorrow';
      },
      'restartAt "tomorrow" is not an RFC 3339 time',
    ],
    [
      'analysis arg without a value',
      (r) => {
        r.spec.strategy.canary!.analysis = { templates: [{ templateName: 't' }], args: [{ name: 'x' }] };
      },
      "arg 'x' needs a value or valueFrom",
    ],
    [
      'analysis arg with two sources',
      (r) => {
        r.spec.strategy.canary!.analysis = {
          templates: [{ templateName: 't' }],
          args: [
            { name: 'x', valueFrom: { podTemplateHashValue: 'Stable', fieldRef: { fieldPath: 'metadata.name' } } },
          ],
        };
      },
      "arg 'x' valueFrom must set exactly one of podTemplateHashValue, fieldRef",
    ],
    [
      'setCanaryScale weight out of range',
      (r) => {
        r.spec.strategy.canary!.steps = [{ setCanaryScale: { weight: 101 } }];
      },
      'setCanaryScale weight 101 must be between 0 and 100',
    ],
    [
      'negative revisionHistoryLimit',
      (r) => {
        r.spec.revisionHistoryLimit = -1;
      },
      'spec.revisionHistoryLimit: revisionHistoryLimit -1 must be >= 0',
    ],
    [
      'two containers with one name',
      (r) => {
        r.spec.template!.spec.containers.push({ name: 'demo', image: 'demo:2' });
      },
      'spec.template.spec.containers[1].name: container name "demo" is used twice',
    ],
    [
      'a container without image',
      (r) => {
        delete r.spec.template!.spec.containers[0]!.image;
      },
      'spec.template.spec.containers[0]: container "demo" needs an image',
    ],
    [
      'template and workloadRef',
      (r) => {
        r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo' };
      },
      'template and workloadRef cannot both be set',
    ],
  ])('%s', (_name, change, expected) => {
    expect(messages(withRollout(change)).join('\n')).toContain(expected);
  });

  it.each<[string, (r: Rollout) => void]>([
    [
      'pause durations as int, unitless string and Go duration',
      (r) => {
        r.spec.strategy.canary!.steps = [
          { pause: { duration: 10 } },
          { pause: { duration: '10' } },
          { pause: { duration: '1h' } },
        ];
      },
    ],
    [
      'setCanaryScale with matchTrafficWeight',
      (r) => {
        r.spec.strategy.canary!.steps = [{ setCanaryScale: { matchTrafficWeight: true } }];
      },
    ],
    [
      'selector by matchExpressions',
      (r) => {
        r.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['demo'] }] };
      },
    ],
    [
      'basic canary with no steps',
      (r) => {
        r.spec.strategy.canary = {};
      },
    ],
    [
      'background analysis starting after the last step',
      (r) => {
        r.spec.strategy.canary!.analysis = { templates: [{ templateName: 't' }], startingStep: 4 };
      },
    ],
  ])('accepts %s', (_name, change) => {
    expect(messages(withRollout(change))).toEqual([]);
  });

  it.each<[string, (r: Rollout) => void, string]>([
    [
      'abortScaleDownDelaySeconds without routing',
      (r) => {
        delete r.spec.strategy.canary!.trafficRouting;
        r.spec.strategy.canary!.abortScaleDownDelaySeconds = 0;
      },
      'spec.strategy.canary.abortScaleDownDelaySeconds: abortScaleDownDelaySeconds 0 has no effect without trafficRouting',
    ],
    [
      'setCanaryScale with weight and replicas (Argo takes replicas)',
      (r) => {
        r.spec.strategy.canary!.steps = [{ setCanaryScale: { weight: 20, replicas: 2 } }];
      },
      'spec.strategy.canary.steps[0].setCanaryScale: setCanaryScale sets more than one of weight, replicas, matchTrafficWeight; replicas wins, then weight',
    ],
  ])('warns (but accepts) %s', (_name, change, expected) => {
    const issues = withRollout(change);
    expect(issues.map((i) => i.severity)).toEqual(['warning']);
    expect(messages(issues)).toEqual([expected]);
    const r = rolloutFixture();
    change(r);
    expect(() => assertValid(r)).not.toThrow();
  });

  it('marks what Kanary does not run as notSupported', () => {
    const issues = withRollout((r) => {
      r.spec.strategy.canary!.steps = [{ experiment: { templates: [{ name: 'b', specRef: 'stable' }] } }];
    });
    expect(issues).toEqual([
      expect.objectContaining({ notSupported: true, path: ['spec', 'strategy', 'canary', 'steps', 0, 'experiment'] }),
    ]);
  });
});

describe('validateAnalysisTemplate', () => {
  it('accepts the fixture', () => {
    expect(validateAnalysisTemplate(templateFixture())).toEqual([]);
  });

  it.each<[string, Partial<Metric>, string]>([
    ['count > 1 without interval', { interval: undefined, count: 2 }, 'interval must be specified when count > 1'],
    ['inconclusiveLimit negative', { inconclusiveLimit: -1 }, 'inconclusiveLimit -1 must be >= 0'],
    ['consecutiveSuccessLimit negative', { consecutiveSuccessLimit: '-2' }, 'consecutiveSuccessLimit -2 must be >= 0'],
    ['limit not an integer', { failureLimit: 'three' }, 'failureLimit "three" is not an integer'],
    [
      'count below limits together',
      { count: 3, failureLimit: 2, consecutiveSuccessLimit: 2 },
      'count 3 must be >= failureLimit (2) + consecutiveSuccessLimit (2)',
    ],
    ['negative interval', { interval: '-1m' }, 'interval "-1m" must not be negative'],
    [
      'web url not http',
      { provider: { web: { url: 'ftp://example/x' } } },
      'url "ftp://example/x" must be an http(s) URL',
    ],
    ['empty query', { provider: { prometheus: { query: ' ' } } }, 'query must not be empty'],
    [
      'sigv4',
      { provider: { prometheus: { query: 'up', authentication: { sigv4: { region: 'x' } } } } },
      'prometheus sigv4 authentication is not supported yet',
    ],
    [
      'job without containers',
      { provider: { job: { spec: { template: { spec: { containers: [] } } } } } },
      'job needs at least one container',
    ],
    [
      'plugin provider',
      { provider: { plugin: { 'argoproj-labs/sample': {} } } },
      "metric provider 'plugin' is not supported yet",
    ],
  ])('%s', (_name, change, expected) => {
    expect(messages(withMetric(change)).join('\n')).toContain(expected);
  });

  it.each<[string, Partial<Metric>]>([
    ['failureLimit -1 with consecutiveSuccessLimit', { failureLimit: -1, consecutiveSuccessLimit: 3, count: 5 }],
    [
      'templated count, limits and durations',
      { count: '{{args.count}}', failureLimit: '{{args.limit}}', interval: '{{args.interval}}' },
    ],
    ['numeric strings for limits', { failureLimit: '2', count: '4' }],
    ['an indefinite metric (interval, no count)', { interval: '30s' }],
    ['a templated prometheus address', { provider: { prometheus: { address: '{{args.prom}}', query: 'up' } } }],
    [
      'web POST with jsonBody',
      { provider: { web: { url: 'http://127.0.0.1/x', method: 'POST', jsonBody: { a: 1 } } } },
    ],
    ['the router provider', { provider: { router: { service: 'sample-app-canary', metric: 'errorRate' } } }],
    [
      'the judge provider, numbers templated',
      { provider: { judge: { canaryService: 'c', stableService: 's', alpha: '{{args.alpha}}', margin: '0.1' } } },
    ],
  ])('accepts %s', (_name, change) => {
    expect(messages(withMetric(change))).toEqual([]);
  });

  it('accepts a template made only of nested templates', () => {
    const t = templateFixture();
    t.spec = { templates: [{ templateName: 'base' }] };
    expect(validateAnalysisTemplate(t)).toEqual([]);
  });

  it('checks args: duplicates and valueFrom sources', () => {
    const t = templateFixture();
    t.spec.args = [{ name: 'a' }, { name: 'a', valueFrom: {} }];
    expect(messages(validateAnalysisTemplate(t))).toEqual([
      "spec.args[1].name: arg 'a' is declared twice",
      "spec.args[1].valueFrom: arg 'a' valueFrom must set exactly one of secretKeyRef, fieldRef",
    ]);
  });

  it('checks measurementRetention limits and patterns', () => {
    const t = templateFixture();
    t.spec.measurementRetention = [
      { metricName: 'success-rate', limit: 0 },
      { metricName: '(', limit: 2 },
    ];
    expect(messages(validateAnalysisTemplate(t))).toEqual([
      'spec.measurementRetention[0].limit: limit 0 must be >= 1',
      "spec.measurementRetention[1].metricName: metricName '(' is not a valid regular expression",
    ]);
  });
});

describe('validateAnalysisRun and validateObject', () => {
  it('accepts the run fixture', () => {
    expect(validateAnalysisRun(analysisRunFixture())).toEqual([]);
  });

  it('rejects a run without metrics and a negative ttl', () => {
    const run = analysisRunFixture();
    run.spec.metrics = [];
    run.spec.ttlStrategy = { secondsAfterFailure: -1 };
    expect(messages(validateAnalysisRun(run))).toEqual([
      'spec.metrics: no metrics specified',
      'spec.ttlStrategy.secondsAfterFailure: secondsAfterFailure -1 must be >= 0',
    ]);
  });

  it('checks metadata.name on any kind', () => {
    expect(messages(validateObject({ kind: 'Service', metadata: { name: 'Bad Name' } }))).toEqual([
      expect.stringContaining('metadata.name: name "Bad Name" must be lower-case') as string,
    ]);
    expect(validateObject({ kind: 'Pod', metadata: { generateName: 'demo-' } })).toEqual([]);
  });
});

describe('types', () => {
  it('every kind is a KubeObject the store accepts', () => {
    const objects: KubeObject[] = [rolloutFixture(), templateFixture(), analysisRunFixture()];
    expect(objects.map((o) => o.kind)).toEqual(['Rollout', 'AnalysisTemplate', 'AnalysisRun']);
  });
});

describe('assertValid', () => {
  it('passes a valid object', () => {
    expect(() => assertValid(rolloutFixture())).not.toThrow();
  });

  it('throws INVALID_SPEC naming the object, field and value', () => {
    const r = rolloutFixture();
    r.spec.strategy.canary!.steps = [{ setWeight: 140 }];
    expect(() => assertValid(r)).toThrow(
      expect.objectContaining({
        code: 'INVALID_SPEC',
        message: expect.stringContaining(
          'Rollout "demo" is invalid: spec.strategy.canary.steps[0].setWeight: setWeight 140',
        ) as string,
      }) as KanaryError,
    );
  });

  it('throws NOT_SUPPORTED when only unsupported features are in the way', () => {
    const r = rolloutFixture();
    r.spec.strategy = { blueGreen: { activeService: 'demo' } };
    expect(() => assertValid(r)).toThrow(expect.objectContaining({ code: 'NOT_SUPPORTED' }) as KanaryError);
  });
});
