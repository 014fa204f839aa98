import { fileURLToPath } from 'node:url';
import { formatDiagnostic, loadPaths, objectsOf, type KubeObject } from '../api/index.js';
import { KanaryError } from '../common/index.js';

/** The seed's manifests as shipped in the repository (the argo-rollouts chart with `prometheus.enabled=true`). */
export const SEED_MANIFESTS_DIR = fileURLToPath(new URL('../../examples/sample-app', import.meta.url));

export const SEED_NAMESPACE = 'sample-app';
export const SEED_ROLLOUT = 'sample-app';
export const SEED_REPOSITORY = 'ghcr.io/jhandguy/canary-deployment/sample-app';
/** The article's "new version". */
export const GOOD_IMAGE = `${SEED_REPOSITORY}:latest`;
/** A version that fails half its requests: the image map gives this tag ERROR_RATE=0.5 (see `demoImageMap`). */
export const FAULTY_TAG = 'faulty';
export const FAULTY_IMAGE = `${SEED_REPOSITORY}:${FAULTY_TAG}`;
export const FAULTY_ERROR_RATE = 0.5;

/** `<state dir>/images.yaml` for the demo: the built-in sample app, plus the faulty tag. */
export function demoImageMap(): string {
  return `# Written by kanary demo: the seed's image with one misbehaving tag.\n${SEED_REPOSITORY}:\n  tags:\n    '${FAULTY_TAG}':\n      env: { ERROR_RATE: '${FAULTY_ERROR_RATE}' }\n`;
}

export interface DemoTiming {
  /** Replaces every `pause: {duration: ...}` of the seed's Rollout (5m there). */
  pause: string;
  /** Replaces the AnalysisTemplate's measurement interval (1m there). */
  interval: string;
}

export const DEMO_TIMING: DemoTiming = { pause: '5s', interval: '2s' };

/**
 * What the background analysis is: the seed's PromQL against a real Prometheus, Kanary's router provider with the
 * seed's threshold, or Kanary's judge (canary compared with stable, from the router's counters).
 */
export type AnalysisSource = 'prometheus' | 'router' | 'judge';

/** The router provider's counterpart of the seed's metric: canary success share over the last 20 s. */
export const ROUTER_METRIC_PROVIDER = {
  router: { service: 'sample-app-canary', metric: 'successRate', window: '20s' },
};
export const ROUTER_SUCCESS_CONDITION = 'result >= 0.99';

/** The judge's AnalysisTemplate (docs/judge.md, "Using the judge"), applied next to the seed's own with `--judge`. */
export const JUDGE_TEMPLATE_NAME = 'sample-app-judge';
export const JUDGE_METRIC_NAME = 'judge';

/**
 * The recommended judge template, with the demo's interval. Its defaults stay: α 0.05, margin 0.2, and
 * `minRequests` 100 per arm, which only delays a "pass" verdict (never a "fail"), and which both arms reach within
 * the background analysis at the demo's load (40 requests/s, weights 50% then 75%).
 */
export function judgeTemplate(interval: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: JUDGE_TEMPLATE_NAME, namespace: SEED_NAMESPACE, labels: { app: 'sample-app' } },
    spec: {
      metrics: [
        {
          name: JUDGE_METRIC_NAME,
          interval,
          failureLimit: 0,
          failureCondition: 'result.verdict == "fail"',
          provider: { judge: { canaryService: 'sample-app-canary', stableService: 'sample-app' } },
        },
      ],
      measurementRetention: [{ metricName: JUDGE_METRIC_NAME, limit: 2 }],
    },
  };
}

/**
 * The seed's objects, with the demo's changes and nothing else: the pauses and the measurement interval shortened,
 * and (without Prometheus) the metric's provider swapped for the router with the same threshold. The query, the
 * condition, the steps, the failure limit and everything else stay as in the article.
 */
export function seedObjects(
  options: { timing?: DemoTiming; source?: AnalysisSource; dir?: string } = {},
): KubeObject[] {
  const timing = options.timing ?? DEMO_TIMING;
  const loaded = loadPaths([options.dir ?? SEED_MANIFESTS_DIR]);
  const errors = [...loaded.diagnostics, ...loaded.documents.flatMap((d) => d.diagnostics)].filter(
    (d) => d.severity === 'error',
  );
  if (errors.length > 0) {
    throw new KanaryError(
      'INVALID_SPEC',
      `the seed's manifests do not load:\n${errors.map(formatDiagnostic).join('\n')}`,
    );
  }
  const source = options.source ?? 'prometheus';
  const objects = objectsOf(loaded.documents).map((o) => {
    const copy = structuredClone(o) as unknown as KubeObject & Record<string, unknown>;
    if (o.kind === 'Rollout') {
      shortenPauses(copy, timing.pause);
      if (source === 'judge') useTemplate(copy, JUDGE_TEMPLATE_NAME);
    }
    if (o.kind === 'AnalysisTemplate') adjustTemplate(copy, timing.interval, source === 'judge' ? 'router' : source);
    return copy;
  });
  // With the judge the seed's template is still applied (with the router provider, unused); the Rollout's copy
  // refers to the judge's template instead.
  return source === 'judge' ? [...objects, judgeTemplate(timing.interval)] : objects;
}

/** Points the Rollout's background analysis at `templateName`, keeping its startingStep. */
function useTemplate(rollout: Record<string, unknown>, templateName: string): void {
  const spec = rollout.spec as { strategy?: { canary?: { analysis?: { templates?: unknown[] } } } } | undefined;
  const analysis = spec?.strategy?.canary?.analysis;
  if (analysis !== undefined) analysis.templates = [{ templateName }];
}

interface StepLike {
  pause?: { duration?: string | number };
}

function shortenPauses(rollout: Record<string, unknown>, pause: string): void {
  const spec = rollout.spec as { strategy?: { canary?: { steps?: StepLike[] } } } | undefined;
  for (const step of spec?.strategy?.canary?.steps ?? []) {
    if (step.pause?.duration !== undefined) step.pause.duration = pause;
  }
}

interface MetricLike {
  interval?: string;
  successCondition?: string;
  provider?: Record<string, unknown>;
}

function adjustTemplate(template: Record<string, unknown>, interval: string, source: AnalysisSource): void {
  const spec = template.spec as { metrics?: MetricLike[] } | undefined;
  for (const metric of spec?.metrics ?? []) {
    metric.interval = interval;
    if (source === 'router') {
      metric.provider = structuredClone(ROUTER_METRIC_PROVIDER);
      metric.successCondition = ROUTER_SUCCESS_CONDITION;
    }
  }
}
