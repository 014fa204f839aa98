import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisTemplate, Measurement } from '../../api/index.js';
import { createProviderRegistry, registerKanaryProviders } from '../../analysis/providers/index.js';
import { startRoutedPair, type RoutedPair } from '../../analysis/providers/kanary-testing.js';
import { analyzeInForeground, formatJudgeMeasurementLine, runFromTemplates } from './analyze.js';

function judgeTemplate(address: string): AnalysisTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'judge-check', namespace: 'default' },
    spec: {
      args: [{ name: 'alpha', value: '0.05' }],
      metrics: [
        {
          name: 'judge-errors',
          interval: '1s',
          failureLimit: 0,
          failureCondition: 'result.verdict == "fail"',
          provider: {
            judge: {
              canaryService: 'sample-app-canary',
              stableService: 'sample-app',
              alpha: '{{args.alpha}}',
              address,
            },
          },
        },
      ],
    },
  };
}

const TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

describe('kanary analyze with a judge metric, against a real router', () => {
  let pair: RoutedPair;
  beforeEach(async () => {
    pair = await startRoutedPair();
  });
  afterEach(async () => {
    await pair.close();
  });

  it('shows the evidence against 1/α on every line and explains the failing verdict', async () => {
    const { run } = runFromTemplates([judgeTemplate(pair.router.url)], new Map());
    const lines: string[] = [];
    let done = false;
    // The canary answers only 500s, stable only 200s, until the run ends.
    const traffic = (async () => {
      while (!done) {
        await Promise.all([pair.send('canary', '/status/500', 5), pair.send('stable', '/status/200', 5)]);
      }
    })();
    const providers = registerKanaryProviders(createProviderRegistry());
    const phase = await analyzeInForeground(run, { providers, write: (l) => lines.push(l) }).finally(() => {
      done = true;
    });
    await traffic;

    expect(phase).toBe('Failed');
    expect(lines[0]).toBe('AnalysisRun judge-check-analyze: judge-errors');
    const measured = lines.slice(1, -2);
    expect(measured.length).toBeGreaterThanOrEqual(2);
    // The first measurement only takes the baseline: no traffic counted yet, evidence exactly 1.
    expect(measured[0]).toMatch(
      new RegExp(
        `^${TIME}  judge-errors  Successful  evidence 1 / 20 \\(continue\\)  canary n/a \\(0/0\\) vs stable n/a \\(0/0\\)$`,
      ),
    );
    expect(measured.at(-1)).toMatch(
      new RegExp(
        `^${TIME}  judge-errors  Failed  evidence \\S+ / 20 \\(fail\\)  canary 100\\.0% \\((\\d+)/\\1\\) vs stable 0\\.0% \\(0/\\d+\\)$`,
      ),
    );
    expect(lines.at(-2)).toBe('Failed: Metric "judge-errors" assessed Failed due to failed (1) > failureLimit (0)');
    expect(lines.at(-1)).toMatch(
      /^judge-errors: canary error rate 100\.0% vs stable 0\.0% over [\d,]+ vs [\d,]+ requests(; mean latency \d+ ms vs \d+ ms)?; evidence \S+ ≥ 20 \(1\/α\): the canary is worse$/,
    );
  }, 30_000);
});

describe('a judge measurement line', () => {
  it('falls back to the plain line when the measurement carries no judge result (an Error)', () => {
    const m: Measurement = { phase: 'Error', finishedAt: '2026-01-01T00:00:00.000Z', message: 'router unreachable' };
    expect(formatJudgeMeasurementLine('j', m)).toBe('2026-01-01T00:00:00.000Z  j  Error  -  router unreachable');
  });

  it('rounds the evidence and shows each arm as rate (errors/requests)', () => {
    const value = JSON.stringify({
      verdict: 'continue',
      eValue: 3.21,
      threshold: 20,
      canary: { requests: 190, errors: 4, errorRate: 4 / 190, meanLatencyMs: null },
      stable: { requests: 201, errors: 1, errorRate: 1 / 201, meanLatencyMs: null },
    });
    const line = formatJudgeMeasurementLine('judge-errors', { phase: 'Successful', finishedAt: '12:00:04', value });
    expect(line).toBe(
      '12:00:04  judge-errors  Successful  evidence 3.2 / 20 (continue)  canary 2.1% (4/190) vs stable 0.5% (1/201)',
    );
  });
});
