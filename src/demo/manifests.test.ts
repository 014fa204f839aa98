import { describe, expect, it } from 'vitest';
import { lintDocuments, parseDocuments, toYaml } from '../api/index.js';
import {
  JUDGE_METRIC_NAME,
  JUDGE_TEMPLATE_NAME,
  ROUTER_METRIC_PROVIDER,
  ROUTER_SUCCESS_CONDITION,
  demoImageMap,
  seedObjects,
} from './manifests.js';
import { prometheusConfig } from './prometheus.js';
import { parse } from 'yaml';

interface Shape {
  kind: string;
  spec: {
    strategy?: { canary?: { steps?: { setWeight?: number; pause?: { duration?: string } }[] } };
    metrics?: { interval?: string; successCondition?: string; failureLimit?: number; provider: unknown }[];
  };
}

const byKind = (objects: unknown[], kind: string): Shape => {
  const found = (objects as Shape[]).find((o) => o.kind === kind);
  if (found === undefined) throw new Error(`no ${kind}`);
  return found;
};

describe("the demo's copy of the seed's manifests", () => {
  it("shortens only the pauses and the interval; the query and condition stay the article's", () => {
    const original = seedObjects({ timing: { pause: '5m', interval: '1m' } });
    const demo = seedObjects({ timing: { pause: '3s', interval: '2s' } });
    expect(demo.map((o) => o.kind).sort()).toEqual(original.map((o) => o.kind).sort());
    const steps = byKind(demo, 'Rollout').spec.strategy?.canary?.steps ?? [];
    expect(steps).toEqual([
      { setWeight: 25 },
      { pause: {} },
      { setWeight: 50 },
      { pause: { duration: '3s' } },
      { setWeight: 75 },
      { pause: { duration: '3s' } },
    ]);
    const [metric] = byKind(demo, 'AnalysisTemplate').spec.metrics ?? [];
    const [seed] = byKind(original, 'AnalysisTemplate').spec.metrics ?? [];
    expect(metric?.interval).toBe('2s');
    expect(seed?.interval).toBe('1m');
    expect({ ...metric, interval: '1m' }).toEqual(seed);
    expect(metric?.successCondition).toBe('len(result) == 0 || result[0] >= 0.99');
  });

  it('swaps the provider for the router (same threshold) when there is no Prometheus', () => {
    const [metric] = byKind(seedObjects({ source: 'router' }), 'AnalysisTemplate').spec.metrics ?? [];
    expect(metric?.provider).toEqual(ROUTER_METRIC_PROVIDER);
    expect(metric?.successCondition).toBe(ROUTER_SUCCESS_CONDITION);
    expect(metric?.failureLimit).toBe(0);
  });

  it('with the judge, points a copy of the Rollout at the judge template, which validates and lints clean', () => {
    const objects = seedObjects({ source: 'judge', timing: { pause: '5s', interval: '2s' } });
    const rollout = objects.find((o) => o.kind === 'Rollout') as unknown as {
      spec: { strategy: { canary: { analysis: { templates: unknown[]; startingStep: number } } } };
    };
    expect(rollout.spec.strategy.canary.analysis).toEqual({
      templates: [{ templateName: JUDGE_TEMPLATE_NAME }],
      startingStep: 2,
    });
    const template = objects.find((o) => o.kind === 'AnalysisTemplate' && o.metadata.name === JUDGE_TEMPLATE_NAME);
    expect(template).toBeDefined();
    const [metric] = (template as unknown as Shape).spec.metrics ?? [];
    expect(metric).toMatchObject({ name: JUDGE_METRIC_NAME, interval: '2s', failureLimit: 0 });
    expect(metric?.provider).toEqual({ judge: { canaryService: 'sample-app-canary', stableService: 'sample-app' } });
    const documents = parseDocuments(toYaml(template), 'judge.yaml');
    const diagnostics = [...documents.flatMap((d) => d.diagnostics), ...lintDocuments(documents)];
    expect(diagnostics).toEqual([]);
  });

  it('maps the faulty tag to the sample app with an error rate', () => {
    const map = parse(demoImageMap()) as Record<string, { tags: Record<string, { env: Record<string, string> }> }>;
    expect(map['ghcr.io/jhandguy/canary-deployment/sample-app']?.tags.faulty?.env).toEqual({ ERROR_RATE: '0.5' });
  });
});

describe('prometheusConfig', () => {
  it('discovers targets over HTTP and scrapes every second', () => {
    const config = parse(prometheusConfig('http://127.0.0.1:7180/api/v1/sd/prometheus')) as {
      global: Record<string, string>;
      scrape_configs: { job_name: string; http_sd_configs: { url: string; refresh_interval: string }[] }[];
    };
    expect(config.global.scrape_interval).toBe('1s');
    expect(config.scrape_configs[0]?.http_sd_configs).toEqual([
      { url: 'http://127.0.0.1:7180/api/v1/sd/prometheus', refresh_interval: '1s' },
    ]);
  });
});
