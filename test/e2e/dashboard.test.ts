import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../../src/api/index.js';
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

/**
 * Journey in real Chromium: the dashboard served by a real server over a live world. The rollout pauses at step 1;
 * Promote (confirmed) advances it to the next pause; Abort (confirmed) makes it Degraded. Screenshots at 1280×800
 * and 390×844 are kept in test-results/screenshots.
 */
/** A finished background run with a failed last measurement, as the analysis controller would leave it. */
async function addAnalysisRun(world: LiveWorld): Promise<void> {
  const ro = await world.rollout();
  const at = (s: number): string => new Date(Date.now() - s * 1000).toISOString();
  const run = await world.store.create<AnalysisRun>({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name: `${NAME}-bg-2`,
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
          name: 'success-share',
          interval: '1m',
          successCondition: 'len(result) == 0 || result[0] >= 0.99',
          failureLimit: 0,
          provider: { prometheus: { address: 'http://127.0.0.1:9090', query: 'sum(rate(requests[1m]))' } },
        },
      ],
    },
  });
  const values = ['1', '0.997', '0.995', '0.93'];
  await world.store.updateStatus<AnalysisRun>({
    ...run,
    status: {
      phase: 'Failed',
      message: 'Metric "success-share" assessed Failed due to failed (1) > failureLimit (0)',
      metricResults: [
        {
          name: 'success-share',
          phase: 'Failed',
          count: 4,
          successful: 3,
          failed: 1,
          measurements: values.map((value, i) => ({
            phase: i === 3 ? ('Failed' as const) : ('Successful' as const),
            value: `[${value}]`,
            startedAt: at(240 - 60 * i),
            finishedAt: at(240 - 60 * i),
          })),
        },
      ],
    },
  });
}

describe.skipIf(missing)('dashboard in Chromium', { timeout: 60_000 }, () => {
  let world: LiveWorld;
  let browser: Browser;

  beforeAll(async () => {
    await prepareDashboard();
    world = await LiveWorld.start({ distDir: DIST });
    await world.deployV1();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
    await world.stop();
  });

  async function openPage(width: number, height: number): Promise<{ page: Page; offsite: string[] }> {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    const offsite: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(world.url) && !r.url().startsWith('data:')) offsite.push(r.url());
    });
    return { page, offsite };
  }

  it('promotes and aborts a paused rollout from the browser', async () => {
    await world.store.patch('Rollout', NS, NAME, {
      spec: { template: { spec: { containers: [{ name: 'sample-app', image: `${IMAGE}:2.0.0` }] } } },
    });
    await world.waitFor((r) => r.status?.phase === 'Paused' && r.status.currentStepIndex === 1, 'paused at step 1');

    const { page, offsite } = await openPage(1280, 800);
    await page.goto(`${world.url}/#token=${TOKEN}`);
    // The token moves from the fragment to storage and leaves the address bar.
    await expect.poll(() => page.evaluate(() => localStorage.getItem('kanary.token'))).toBe(TOKEN);
    expect(new URL(page.url()).hash).toBe('');

    const card = page.getByRole('link', { name: `Rollout ${NAME} in ${NS}: Paused` });
    await card.waitFor();
    await page.getByRole('button', { name: /Degraded/ }).click();
    await expect.poll(() => card.count()).toBe(0);
    await page.getByRole('button', { name: /Degraded/ }).click();
    await page.getByRole('searchbox', { name: 'Search rollouts' }).fill('sample');
    await page.screenshot({ path: join(SHOTS, 'list-1280.png'), fullPage: true });

    await card.click();
    await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
    const step = page.getByTestId('step');
    await expect.poll(() => step.textContent()).toBe('1/6');
    expect(await page.locator('[aria-current="step"]').textContent()).toContain('pause');
    await page.screenshot({ path: join(SHOTS, 'paused-1280.png'), fullPage: true });

    await page.getByRole('button', { name: 'Promote', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Promote ${NAME}?` });
    await dialog.waitFor();
    await page.screenshot({ path: join(SHOTS, 'confirm-promote-1280.png') });
    await dialog.getByRole('button', { name: 'Promote' }).click();
    await expect.poll(() => step.textContent(), { timeout: 15_000 }).toBe('3/6');

    await page.getByRole('button', { name: 'Abort' }).click();
    await page
      .getByRole('dialog', { name: `Abort ${NAME}?` })
      .getByRole('button', { name: 'Abort' })
      .click();
    await addAnalysisRun(world);
    world.traffic = {
      window: '1m',
      canary: { rps: 4.2, errorRate: 0.031, p99Ms: 412 },
      stable: { rps: 12.6, errorRate: 0.001, p99Ms: 98 },
    };
    await page.getByRole('img', { name: /success-share: 4 measurements/ }).waitFor();
    await page.getByRole('cell', { name: '3.10%' }).waitFor();
    const status = page.locator('.page-head [data-status]');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 15_000 }).toBe('Degraded');
    expect(await page.getByTestId('rollout-message').textContent()).toContain('RolloutAborted');
    expect(await page.getByRole('button', { name: 'Retry' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Promote', exact: true }).isEnabled()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'degraded-1280.png'), fullPage: true });
    expect(offsite).toEqual([]);
    await page.context().close();
  });

  it('works at 390×844 and gives every control an accessible name', async () => {
    const { page } = await openPage(390, 844);
    await page.goto(`${world.url}/rollouts/${NS}/${NAME}`);
    await page.getByRole('heading', { level: 1, name: NAME }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const unnamed = await unnamedControls(page, 'button, input, select, a, [role="button"]');
    expect(unnamed).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'degraded-390.png'), fullPage: true });
    await page.goto(`${world.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Rollouts' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'list-390.png'), fullPage: true });
    await page.context().close();
  });
});
