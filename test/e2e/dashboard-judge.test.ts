import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeTrail,
  describeJudgeResult,
  formatEvidence,
  parseJudgeResult,
  type JudgeReading,
  type JudgeResult,
} from '../../src/analysis/judge/index.js';
import { JUDGE_TRAIL_KEY, JudgeProvider } from '../../src/analysis/providers/judge.js';
import type { AnalysisRun, Measurement, Metric } from '../../src/api/index.js';
import { IMAGE } from '../sim/fixtures.js';
import {
  chromiumMissing as missing,
  DIST,
  launchChromium,
  prepareDashboard,
  SHOTS,
  unnamedControls,
} from '../harness/chromium.js';
import { LiveWorld, NAME, NS, TOKEN } from './cli-world.js';

const RUN = `${NAME}-judge-2`;
const INTERVAL_S = 2;

/** The judge metric: errors only (the simulated counters carry no latency). */
const METRIC: Metric = {
  name: 'judge',
  interval: `${INTERVAL_S}s`,
  failureLimit: 0,
  failureCondition: 'result.verdict == "fail"',
  provider: {
    judge: {
      canaryService: 'sample-app-canary',
      stableService: 'sample-app',
      alpha: 0.05,
      latency: { enabled: false },
    },
  },
};

/** `run` after a measurement, as the controller leaves it: the last two measurements retained. */
function keepTwo(run: AnalysisRun, m: Measurement): AnalysisRun {
  const measurements = [...(run.status?.metricResults?.[0]?.measurements ?? []), m].slice(-2);
  return { ...run, status: { phase: 'Running', metricResults: [{ name: 'judge', phase: 'Running', measurements }] } };
}

/**
 * The real judge provider over 2 s batches of a bad canary (2.5% errors against stable's 0.2%) at 50% weight,
 * measured every 2 s from `startedAt` until it fails, reading simulated running counters: the measurements it
 * writes (the first is the baseline), each with its state and evidence trail in the metadata.
 */
async function judgeMeasurements(startedAt: number): Promise<Measurement[]> {
  const canary = { requests: 0, errors: 0 };
  const stable = { requests: 0, errors: 0 };
  const reading = (): JudgeReading => ({ canary: { ...canary }, stable: { ...stable }, epoch: '1' });
  const provider = new JudgeProvider({ readers: { router: () => Promise.resolve({ ok: true, reading: reading() }) } });
  let run: AnalysisRun = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: RUN, namespace: NS },
    spec: { metrics: [METRIC] },
  };
  const out: Measurement[] = [];
  for (let i = 0; i <= 200 && parseJudgeResult(out.at(-1)?.value)?.verdict !== 'fail'; i++) {
    if (i > 0) {
      canary.requests += 10;
      canary.errors += i % 4 === 1 ? 1 : 0;
      stable.requests += 10;
      stable.errors += i % 25 === 0 ? 1 : 0;
    }
    const now = startedAt + i * INTERVAL_S * 1000;
    const m = await provider.run(run, METRIC, { now: () => now });
    out.push(m);
    run = keepTwo(run, m);
  }
  return out;
}

function resultOf(m: Measurement | undefined): JudgeResult {
  const result = parseJudgeResult(m?.value);
  if (result === undefined) throw new Error(`no judge result in ${JSON.stringify(m)}`);
  return result;
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
    spec: { metrics: [METRIC], measurementRetention: [{ metricName: 'judge', limit: 2 }] },
  });
}

/**
 * Writes the run's status after each measurement as the analysis controller would: only the last two
 * measurements retained, counts over all of them, Failed at the first `fail`.
 */
async function measure(world: LiveWorld, created: AnalysisRun, all: Measurement[], startedAt: number): Promise<void> {
  let run = created;
  const results = all.map(resultOf);
  const n = results.length;
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
 * 390×844. The run keeps only two measurements; a page open all along remembers what it saw, and a page opened
 * later charts the whole run from the evidence trail the provider keeps in each measurement's metadata.
 */
describe.skipIf(missing)('judge evidence in the dashboard', { timeout: 60_000 }, () => {
  let world: LiveWorld;
  let browser: Browser;
  let startedAt = 0;
  let all: Measurement[] = [];
  let results: JudgeResult[] = [];
  let last: JudgeResult | undefined;

  beforeAll(async () => {
    // Measured so that the last measurement is about now (the simulation is deterministic).
    const count = (await judgeMeasurements(0)).length;
    startedAt = Date.now() - count * INTERVAL_S * 1000;
    all = await judgeMeasurements(startedAt);
    results = all.map(resultOf);
    last = results.at(-1);
    await prepareDashboard();
    world = await LiveWorld.start({ distDir: DIST });
    await world.deployV1();
    await world.store.patch('Rollout', NS, NAME, {
      spec: { template: { spec: { containers: [{ name: 'sample-app', image: `${IMAGE}:2.0.0` }] } } },
    });
    await world.waitFor((r) => r.status?.phase === 'Paused' && r.status.currentStepIndex === 1, 'paused at step 1');
    browser = await launchChromium();
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

    await measure(world, created, all, startedAt);
    for (const page of [wide, narrow]) {
      const article = page.getByRole('article', { name: `AnalysisRun ${RUN}` });
      const chart = article.getByRole('img', { name: /^judge evidence over time/ });
      // Every measurement the page saw, although the run keeps two; the trail's points are the same ones.
      await expect
        .poll(() => chart.getAttribute('aria-label'), { timeout: 15_000 })
        .toBe(
          `judge evidence over time: ${results.length} points, latest e-value ${formatEvidence(last.eValue)}, ` +
            'threshold 20 (1/α), log scale',
        );
      expect(await chart.getAttribute('data-points')).toBe(String(results.length));
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
      const unnamed = await unnamedControls(page, 'button, input, select, a, [role="button"], [role="img"], table');
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

  it('a page opened later charts the whole run from the trail, and a failed read keeps the verdict', async () => {
    if (last === undefined) return;
    const run = await world.store.get<AnalysisRun>('AnalysisRun', NS, RUN);
    const result = run?.status?.metricResults?.[0];
    if (run?.status === undefined || result === undefined) throw new Error('the judge run has no status');
    expect(result.measurements).toHaveLength(2);
    expect(decodeTrail(result.measurements?.at(-1)?.metadata?.[JUDGE_TRAIL_KEY] ?? '')).toHaveLength(results.length);

    const page = await openRollout(390, 844);
    const article = page.getByRole('article', { name: `AnalysisRun ${RUN}` });
    const chart = article.getByRole('img', { name: /^judge evidence over time/ });
    await chart.waitFor();
    // The page never saw the older measurements: every point but the last two comes from the trail.
    expect(results.length).toBeGreaterThan(2);
    expect(await chart.getAttribute('data-points')).toBe(String(results.length));
    expect(await chart.getAttribute('aria-label')).toContain(`${results.length} points`);
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    expect(await article.locator('[data-verdict]').textContent()).toBe('Verdict: fail');
    expect(await article.getByTestId('judge-summary').textContent()).toBe(describeJudgeResult(last));

    // A failed read (the real provider's Error measurement, carrying state and trail) keeps the last verdict on
    // screen and says so, and the chart keeps the whole run.
    const unreachable = new JudgeProvider({
      readers: { router: () => Promise.resolve({ ok: false, error: 'router at http://127.0.0.1:9 is unreachable' }) },
    });
    const failedRead = await unreachable.run(run, METRIC, { now: () => Date.now() });
    expect(failedRead.phase).toBe('Error');
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
    expect(await chart.getAttribute('data-points')).toBe(String(results.length));
    await page.screenshot({ path: join(SHOTS, 'judge-error-390.png'), fullPage: true });
    await page.context().close();
  });
});
