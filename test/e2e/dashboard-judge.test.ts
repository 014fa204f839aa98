import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeJudgeResult,
  evaluateJudge,
  formatEvidence,
  initJudgeState,
  judgeResultOf,
  resolveJudgeConfig,
  updateJudge,
  type JudgeResult,
} from '../../src/analysis/judge/index.js';
import type { AnalysisRun, Measurement } from '../../src/api/index.js';
import { IMAGE } from '../sim/fixtures.js';
import { LiveWorld, NAME, NS, TOKEN } from './cli-world.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'web');
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const required = process.env.KANARY_REQUIRE_REAL === '1';
const missing = !existsSync(CHROMIUM);
if (missing && required) throw new Error(`KANARY_REQUIRE_REAL=1 but ${CHROMIUM} is missing`);

const RUN = `${NAME}-judge-2`;
const INTERVAL_S = 2;

/**
 * The real judge over 2 s batches of a bad canary (2.5% errors against stable's 0.2%) at 50% weight, until it
 * fails: the results a judge measurement would store, one per batch (the first is the baseline).
 */
function judgeResults(): JudgeResult[] {
  const config = resolveJudgeConfig({ alpha: 0.05 });
  let state = initJudgeState(config);
  const out: JudgeResult[] = [initialResult(config.alpha)];
  for (let i = 0; i < 200 && out.at(-1)?.verdict !== 'fail'; i++) {
    const update = updateJudge(
      state,
      {
        canary: { requests: 10, errors: i % 4 === 0 ? 1 : 0 },
        stable: { requests: 10, errors: i % 25 === 24 ? 1 : 0 },
      },
      config,
    );
    state = update.state;
    out.push(judgeResultOf(update));
  }
  return out;
}

/** The baseline measurement: nothing folded in yet. */
function initialResult(alpha: number): JudgeResult {
  const config = resolveJudgeConfig({ alpha });
  return judgeResultOf(evaluateJudge(initJudgeState(config), config));
}

function measurementOf(result: JudgeResult, at: Date): Measurement {
  return {
    phase: result.verdict === 'fail' ? 'Failed' : 'Successful',
    value: JSON.stringify(result),
    startedAt: at.toISOString(),
    finishedAt: at.toISOString(),
    metadata: { judgeState: '{"state":"kept by the provider"}' },
  };
}

/** A background judge run that keeps two measurements, as docs/judge.md recommends. */
async function createJudgeRun(world: LiveWorld): Promise<AnalysisRun> {
  const ro = await world.rollout();
  return world.store.create<AnalysisRun>({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name: RUN,
      namespace: NS,
      labels: { 'rollout-type': 'Background' },
      annotations: { 'rollout.argoproj.io/revision': '2' },
      ownerReferences: [
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: NAME, uid: ro.metadata.uid ?? '' },
      ],
    },
    spec: {
      metrics: [
        {
          name: 'judge',
          interval: `${INTERVAL_S}s`,
          failureLimit: 0,
          failureCondition: 'result.verdict == "fail"',
          provider: { judge: { canaryService: 'sample-app-canary', stableService: 'sample-app' } },
        },
      ],
      measurementRetention: [{ metricName: 'judge', limit: 2 }],
    },
  });
}

/**
 * Writes the run's status after each measurement as the analysis controller would: only the last two
 * measurements retained, counts over all of them, Failed at the first `fail`.
 */
async function measure(world: LiveWorld, created: AnalysisRun, results: JudgeResult[]): Promise<void> {
  let run = created;
  const n = results.length;
  const startedAt = Date.now() - n * INTERVAL_S * 1000;
  const all = results.map((r, i) => measurementOf(r, new Date(startedAt + i * INTERVAL_S * 1000)));
  for (let i = 0; i < n; i++) {
    const failed = results.slice(0, i + 1).filter((r) => r.verdict === 'fail').length;
    const over = failed > 0;
    run = await world.store.updateStatus<AnalysisRun>({
      ...run,
      status: {
        phase: over ? 'Failed' : 'Running',
        ...(over ? { message: 'Metric "judge" assessed Failed due to failed (1) > failureLimit (0)' } : {}),
        startedAt: new Date(startedAt).toISOString(),
        metricResults: [
          {
            name: 'judge',
            phase: over ? 'Failed' : 'Running',
            count: i + 1,
            successful: i + 1 - failed,
            failed,
            measurements: all.slice(Math.max(0, i - 1), i + 1),
          },
        ],
      },
    });
    await new Promise((r) => setTimeout(r, 60));
  }
}

/**
 * Journey in real Chromium: a judge metric's evidence climbs past 1/α while the dashboard is open, at 1280×800 and
 * 390×844. The run keeps only two measurements, so the chart's history comes from what the page saw over time.
 */
describe.skipIf(missing)('judge evidence in the dashboard', { timeout: 60_000 }, () => {
  let world: LiveWorld;
  let browser: Browser;
  const results = judgeResults();
  const last = results.at(-1);

  beforeAll(async () => {
    if (!existsSync(join(DIST, 'index.html'))) {
      const { build } = await import('vite');
      await build({ configFile: join(ROOT, 'src', 'web', 'vite.config.ts'), logLevel: 'warn' });
    }
    mkdirSync(SHOTS, { recursive: true });
    world = await LiveWorld.start({ distDir: DIST });
    await world.deployV1();
    await world.store.patch('Rollout', NS, NAME, {
      spec: { template: { spec: { containers: [{ name: 'sample-app', image: `${IMAGE}:2.0.0` }] } } },
    });
    await world.waitFor((r) => r.status?.phase === 'Paused' && r.status.currentStepIndex === 1, 'paused at step 1');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser.close();
    await world.stop();
  });

  async function openRollout(width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await page.goto(`${world.url}/rollouts/${NS}/${NAME}#token=${TOKEN}`);
    await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
    return page;
  }

  it('charts the evidence rising past 1/α and shows the verdict and its explanation', async () => {
    expect(last?.verdict).toBe('fail');
    expect(results.length).toBeGreaterThanOrEqual(20);
    if (last === undefined) return;
    const wide = await openRollout(1280, 800);
    const narrow = await openRollout(390, 844);

    const created = await createJudgeRun(world);
    const run = wide.getByRole('article', { name: `AnalysisRun ${RUN}` });
    await run.getByText('Verdict: none yet').waitFor();
    expect(await run.getByText('No judge result yet.').count()).toBe(1);

    await measure(world, created, results);
    for (const page of [wide, narrow]) {
      const article = page.getByRole('article', { name: `AnalysisRun ${RUN}` });
      const chart = article.getByRole('img', { name: /^judge evidence over time/ });
      // Every measurement the page saw, although the run keeps two.
      await expect
        .poll(() => chart.getAttribute('aria-label'), { timeout: 15_000 })
        .toBe(
          `judge evidence over time: ${results.length} measurements, latest e-value ${formatEvidence(last.eValue)}, ` +
            'threshold 20 (1/α), log scale',
        );
      expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
      const verdict = article.locator('[data-verdict]');
      expect(await verdict.textContent()).toBe('Verdict: fail');
      expect(await verdict.getAttribute('data-verdict')).toBe('fail');
      expect(await article.getByTestId('judge-summary').textContent()).toBe(describeJudgeResult(last));
      expect(describeJudgeResult(last)).toMatch(/evidence [\d.,]+ ≥ 20 \(1\/α\): the canary is worse$/);
      expect(await article.locator('[data-status]').first().getAttribute('data-status')).toBe('Failed');
      const canaryRow = article.getByRole('row', { name: /Canary/ });
      expect(await canaryRow.textContent()).toContain(last.canary.requests.toLocaleString('en-US'));
      // The uPlot legend names the threshold line.
      expect(await article.locator('.u-legend').textContent()).toContain('threshold 1/α = 20');
    }

    const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const page of [wide, narrow]) {
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll('button, input, select, a, [role="button"], [role="img"], table')]
          .filter((el) => {
            const label = el.getAttribute('aria-label') ?? '';
            const labelledBy = el.getAttribute('aria-labelledby');
            return label.trim() === '' && labelledBy === null && el.textContent.trim() === '';
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unnamed).toEqual([]);
    }

    await wide.getByRole('article', { name: `AnalysisRun ${RUN}` }).scrollIntoViewIfNeeded();
    await wide.screenshot({ path: join(SHOTS, 'judge-1280.png'), fullPage: true });
    await narrow
      .getByRole('article', { name: `AnalysisRun ${RUN}` })
      .screenshot({ path: join(SHOTS, 'judge-390-run.png') });
    await narrow.screenshot({ path: join(SHOTS, 'judge-390.png'), fullPage: true });
    await wide.context().close();
    await narrow.context().close();
  });

  it('a page opened later shows what the run still keeps, and a failed read keeps the verdict', async () => {
    if (last === undefined) return;
    const page = await openRollout(390, 844);
    const article = page.getByRole('article', { name: `AnalysisRun ${RUN}` });
    await article.getByRole('img', { name: /judge evidence over time: 2 measurements/ }).waitFor();
    expect(await article.locator('[data-verdict]').textContent()).toBe('Verdict: fail');
    expect(await article.getByTestId('judge-summary').textContent()).toBe(describeJudgeResult(last));

    // A failed read keeps the last verdict on screen and says so.
    const run = await world.store.get<AnalysisRun>('AnalysisRun', NS, RUN);
    const result = run?.status?.metricResults?.[0];
    if (run?.status === undefined || result === undefined) throw new Error('the judge run has no status');
    const failedRead: Measurement = {
      phase: 'Error',
      message: 'router at http://127.0.0.1:9 is unreachable',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
    };
    await world.store.updateStatus<AnalysisRun>({
      ...run,
      status: {
        ...run.status,
        metricResults: [{ ...result, measurements: [...(result.measurements ?? []).slice(-1), failedRead] }],
      },
    });
    await article
      .getByRole('status')
      .filter({ hasText: 'The latest measurement failed: router at http://127.0.0.1:9 is unreachable' })
      .waitFor();
    expect(await article.locator('[data-verdict]').textContent()).toBe('Verdict: fail');
    await page.screenshot({ path: join(SHOTS, 'judge-error-390.png'), fullPage: true });
    await page.context().close();
  });
});
