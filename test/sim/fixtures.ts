import type { AnalysisTemplate, CanaryStep, CanaryStrategy, Ingress, Rollout, Service } from '../../src/api/index.js';

/** The seed scenario's objects (namespace and names as in the seed repository), with knobs for other journeys. */
export const NS = 'sample-app';
export const NAME = 'sample-app';
export const IMAGE = 'ghcr.io/jhandguy/canary-deployment/sample-app';

export const SEED_STEPS: CanaryStep[] = [
  { setWeight: 25 },
  { pause: {} },
  { setWeight: 50 },
  { pause: { duration: '5m' } },
  { setWeight: 75 },
  { pause: { duration: '5m' } },
];

export interface RolloutKnobs {
  replicas?: number;
  steps?: CanaryStep[];
  /** Background analysis from step 2 with the seed's template. */
  analysis?: boolean;
  /** nginx traffic routing (the seed); false gives a basic canary. */
  trafficRouting?: boolean;
  canary?: Partial<CanaryStrategy>;
  spec?: Partial<Rollout['spec']>;
  tag?: string;
  /** Labels on the Rollout itself (none by default). */
  labels?: Record<string, string>;
}

export function seedRollout(knobs: RolloutKnobs = {}): Rollout {
  const routing = knobs.trafficRouting ?? true;
  const canary: CanaryStrategy = {
    canaryService: 'sample-app-canary',
    stableService: 'sample-app',
    canaryMetadata: { labels: { deployment: 'canary' } },
    stableMetadata: { labels: { deployment: 'stable' } },
    ...(routing
      ? {
          trafficRouting: {
            nginx: { stableIngress: 'sample-app', additionalIngressAnnotations: { 'canary-by-header': 'X-Canary' } },
          },
        }
      : {}),
    steps: knobs.steps ?? SEED_STEPS,
    ...(knobs.analysis === true ? { analysis: { templates: [{ templateName: 'sample-app' }], startingStep: 2 } } : {}),
    ...(knobs.canary ?? {}),
  };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: NAME, namespace: NS, ...(knobs.labels === undefined ? {} : { labels: knobs.labels }) },
    spec: {
      replicas: knobs.replicas ?? 1,
      selector: { matchLabels: { app: 'sample-app' } },
      strategy: { canary },
      template: {
        metadata: { labels: { app: 'sample-app' } },
        spec: {
          serviceAccountName: 'sample-app',
          containers: [
            {
              name: 'sample-app',
              image: `${IMAGE}:${knobs.tag ?? '1.0.0'}`,
              ports: [
                { name: 'http', containerPort: 8080 },
                { name: 'metrics', containerPort: 9090 },
              ],
            },
          ],
        },
      },
      ...(knobs.spec ?? {}),
    },
  };
}

export function service(name: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS, labels: { app: 'sample-app' } },
    spec: {
      selector: { app: 'sample-app' },
      ports: [
        { name: 'http', port: 8080, targetPort: 8080 },
        { name: 'metrics', port: 9090, targetPort: 9090 },
      ],
    },
  };
}

export function stableIngress(): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'sample-app', namespace: NS },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'sample.app',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'sample-app', port: { name: 'http' } } } },
            ],
          },
        },
      ],
    },
  };
}

export function successShareTemplate(): AnalysisTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'sample-app', namespace: NS },
    spec: {
      metrics: [
        {
          name: 'success-share',
          interval: '1m',
          successCondition: 'len(result) == 0 || result[0] >= 0.99',
          failureLimit: 0,
          provider: {
            prometheus: {
              address: 'http://prometheus-operated.prometheus.svc.cluster.local:9090',
              query:
                'sum(rate(sample_app_requests_count{service="sample-app-canary", success="true"}[1m])) by (service)',
            },
          },
        },
      ],
    },
  };
}

export const SEED_FAILURE_MESSAGE = 'Metric "success-share" assessed Failed due to failed (1) > failureLimit (0)';
