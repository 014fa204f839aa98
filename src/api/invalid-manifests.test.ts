import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintDocuments } from './lint.js';
import { loadPaths } from './load.js';

/**
 * The invalid-manifest table: each file under testdata/invalid must produce an error containing the expected
 * text at the expected line:col. Files may hold supporting objects (Services, Ingresses) so that only the
 * intended rule fires.
 */
const DIR = fileURLToPath(new URL('./testdata/invalid/', import.meta.url));

// [file (without .yaml), line, col, expected message substring]
const TABLE: [string, number, number, string][] = [
  ['analysisrun-metrics-missing', 5, 1, 'missing required field "spec.metrics" (array)'],
  ['analysisrun-phase-unknown', 13, 10, 'string "Done" is not one of "Pending", "Running", "Successful",'],
  [
    'rollout-dynamicstablescale-without-routing',
    19,
    27,
    'dynamicStableScale can only be used with trafficRouting (it is true)',
  ],
  ['rollout-analysis-step-no-templates', 21, 13, 'analysis needs at least one template in templates'],
  ['rollout-analysis-template-not-found', 23, 31, 'spec.strategy.canary.steps[1].analysis.templates[0].templateName'],
  ['rollout-apiversion-wrong', 1, 13, 'apiVersion "argoproj.io/v1beta1" is not served for kind Rollout: use'],
  ['rollout-bluegreen', 18, 5, 'the blueGreen strategy is not supported yet by Kanary; remove it or'],
  ['rollout-canary-strategy-not-a-map', 18, 5, 'expected object, got a list'],
  ['rollout-container-without-image', 15, 11, 'container "demo" needs an image (Kubernetes requires one)'],
  ['rollout-defined-twice', 25, 9, 'Rollout "demo" is defined twice; the first definition is at'],
  ['rollout-cluster-template-not-found', 22, 31, 'spec.strategy.canary.steps[0].analysis.templates[0].templateName'],
  ['rollout-ingress-without-stable-backend', 23, 26, 'Ingress "demo" has no rule with a backend on the stable Service'],
  ['rollout-kind-missing', 1, 1, 'missing required field "kind"'],
  ['rollout-maxsurge-malformed', 19, 17, 'maxSurge "lots" must be an integer or a percentage such as "25%"'],
  ['rollout-maxsurge-maxunavailable-zero', 19, 17, 'maxSurge and maxUnavailable cannot both be 0'],
  ['rollout-name-invalid', 4, 9, "name \"Demo_App\" must be lower-case letters, digits, '-' or '.', start"],
  ['rollout-name-missing', 3, 1, "Rollout (unnamed): metadata: missing field 'name'"],
  ['rollout-nginx-without-ingress', 22, 9, 'set exactly one of stableIngress or stableIngresses'],
  ['rollout-no-containers', 14, 7, 'the pod template needs at least one container'],
  ['rollout-no-strategy', 17, 3, 'no rollout strategy: set strategy.canary'],
  ['rollout-pause-duration-negative', 21, 23, 'pause duration -10 must not be negative'],
  ['rollout-pause-duration-unparsable', 22, 23, 'pause duration "soon" is not a duration: use seconds (30) or "30s",'],
  [
    'rollout-progressdeadline-below-minready',
    7,
    28,
    'progressDeadlineSeconds (20) must be greater than minReadySeconds (30)',
  ],
  ['rollout-replicas-negative', 6, 13, 'replicas -1 must be >= 0'],
  ['rollout-replicas-string', 6, 13, 'expected number, got string "three"'],
  ['rollout-router-istio', 22, 9, "traffic router 'istio' is not supported yet by Kanary; remove it or"],
  ['rollout-routing-same-service', 20, 22, 'canaryService and stableService are both "demo": two different'],
  ['rollout-routing-without-services', 18, 5, 'Canary service and Stable service must to be set to use Traffic'],
  [
    'rollout-scaledowndelay-without-routing',
    19,
    30,
    'scaleDownDelaySeconds can only be used with trafficRouting (it is 30)',
  ],
  ['rollout-selector-empty', 6, 3, 'selector must not be empty: it would select every pod'],
  ['rollout-selector-mismatch', 11, 7, 'selector {"app":"other"} does not match template labels {"app":"demo"}'],
  ['rollout-selector-missing', 5, 1, "missing field 'selector': set spec.selector.matchLabels to the"],
  ['rollout-service-not-found', 19, 22, 'spec.strategy.canary.canaryService refers to Service "demo-canary",'],
  ['rollout-setcanaryscale-no-routing', 20, 11, 'setCanaryScale requires trafficRouting to be set'],
  ['rollout-setcanaryscale-weight-over-100', 26, 21, 'setCanaryScale weight 150 must be between 0 and 100'],
  ['rollout-setheaderroute-nginx', 25, 11, 'the setHeaderRoute step is not supported yet by Kanary; remove it or'],
  ['rollout-setmirrorroute-no-routing', 20, 11, 'the setMirrorRoute step is not supported yet by Kanary; remove it or'],
  ['rollout-setweight-negative', 21, 22, 'setWeight -5 must be between 0 and 100'],
  ['rollout-setweight-over-100', 20, 22, 'setWeight 120 must be between 0 and 100'],
  ['rollout-startingstep-out-of-range', 22, 23, 'startingStep 5 must be within 0..1 (the number of steps)'],
  ['rollout-step-empty', 21, 11, 'step 1 must set exactly one of setWeight, pause, analysis,'],
  ['rollout-step-experiment', 20, 11, 'the experiment step is not supported yet by Kanary; remove it or use'],
  ['rollout-step-plugin', 20, 11, 'the plugin step is not supported yet by Kanary; remove it or use a'],
  ['rollout-step-two-types', 20, 11, 'step 0 sets more than one of setWeight, pause: split it into one step'],
  ['rollout-step-type-wrong', 20, 22, 'expected number, got string "twenty"'],
  ['rollout-template-missing', 5, 1, "missing field 'template' (or workloadRef)"],
  ['rollout-two-strategies', 17, 3, 'Multiple Strategies can not be listed: set either canary or blueGreen'],
  ['rollout-workloadref', 6, 3, 'workloadRef is not supported yet by Kanary; remove it or use a'],
  ['rollout-yaml-bad-indentation', 9, 1, 'All mapping items must start at the same column'],
  ['template-arg-value-and-valuefrom', 7, 7, "arg 'service' sets both value and valueFrom; keep one"],
  ['template-consecutive-error-limit-negative', 8, 30, 'consecutiveErrorLimit -1 must be >= 0'],
  ['template-count-below-failurelimit', 9, 14, 'count 2 must be >= failureLimit (3) + consecutiveSuccessLimit (0)'],
  ['template-count-below-inconclusivelimit', 9, 14, 'count 2 must be >= inconclusiveLimit (5)'],
  ['template-count-not-integer', 9, 14, 'count "many" is not an integer'],
  ['template-count-without-interval', 8, 14, 'interval must be specified when count > 1 (count is 3)'],
  ['template-dryrun-unknown-metric', 7, 19, "metricName 'latency' matches no metric (metrics: rate)"],
  ['template-duplicate-metric', 12, 13, "two metrics have the same name 'rate'"],
  ['template-failurelimit-minus-one-alone', 8, 21, 'failureLimit -1 must be >= 0 (-1 is allowed only together with'],
  ['template-failurelimit-negative', 8, 21, 'failureLimit -2 must be >= 0 (-1 is allowed only together with'],
  ['template-initialdelay-unparsable', 8, 21, 'initialDelay "soon" is not a duration: use a Go duration such as'],
  ['template-interval-unparsable', 8, 17, 'interval "1 minute" is not a duration: use a Go duration such as'],
  [
    'template-judge-alpha-out-of-range',
    14,
    18,
    'judge.alpha: must be strictly between 0 and 1, e.g. 0.05 (got integer 5)',
  ],
  [
    'template-judge-canaryservice-missing',
    11,
    9,
    'missing required field "spec.metrics[0].provider.judge.canaryService"',
  ],
  ['template-judge-margin-not-a-number', 18, 19, 'judge.margin: must be a number, a numeric string such as "0.05", or'],
  ['template-judge-source-unknown', 14, 19, 'judge.source: string "datadog" is not one of "router", "prometheus"'],
  ['template-metric-name-missing', 7, 7, 'missing required field "spec.metrics[0].name" (string)'],
  ['template-no-metrics', 6, 3, 'no metrics specified: add at least one metric or a nested template'],
  ['template-no-provider', 8, 7, "no provider specified for metric 'success-rate': set one of"],
  ['template-prometheus-address-not-url', 10, 20, 'address "prometheus:9090" must be a URL with scheme and host, e.g.'],
  ['template-prometheus-query-missing', 9, 9, 'missing required field "spec.metrics[0].provider.prometheus.query"'],
  ['template-prometheus-timeout-negative', 11, 20, 'timeout -5 must not be negative (seconds)'],
  ['template-provider-datadog', 9, 9, "metric provider 'datadog' is not supported yet by Kanary; remove it"],
  ['template-router-metric-unknown', 14, 19, 'router.metric: string "errors" is not one of "errorRate", "successRate"'],
  ['template-router-timeout-zero', 14, 20, 'router.timeout: must be > 0 (got string "0")'],
  ['template-two-providers', 8, 7, "multiple providers specified for metric 'success-rate': prometheus,"],
  ['template-web-body-and-jsonbody', 13, 11, 'use either body or jsonBody, not both'],
  ['template-web-get-with-body', 11, 17, 'a GET request cannot have a body: set method POST or PUT'],
  ['template-web-method-unknown', 11, 19, 'string "DELETE" is not one of "GET", "POST", "PUT"'],
];

function errorsOf(file: string) {
  const loaded = loadPaths([join(DIR, `${file}.yaml`)]);
  return [...loaded.diagnostics, ...lintDocuments(loaded.documents)].filter((d) => d.severity === 'error');
}

describe('invalid manifests', () => {
  it('the table has at least 40 entries and covers every file in testdata/invalid', () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
    expect(TABLE.map((t) => t[0]).sort()).toEqual(files);
  });

  it.each(TABLE)('%s reports %i:%i', (file, line, col, message) => {
    const errors = errorsOf(file);
    const match = errors.find((d) => d.message.includes(message));
    expect(
      match,
      `no error containing ${JSON.stringify(message)} in ${JSON.stringify(errors.map((e) => e.message))}`,
    ).toBeDefined();
    expect({ line: match?.line, col: match?.col }).toEqual({ line, col });
  });
});
