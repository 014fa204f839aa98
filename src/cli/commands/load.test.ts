import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSampleApp, type SpawnedSampleApp } from '../../../examples/sample-app/src/testing.js';
import type { LoadSummary } from '../../load/index.js';

const KANARY = fileURLToPath(new URL('../../../bin/kanary.js', import.meta.url));
const IDENTITY = {
  KUBERNETES_NODE: 'kind-control-plane',
  KUBERNETES_NAMESPACE: 'sample-app',
  KUBERNETES_POD: 'sample-app-1',
  KUBERNETES_DEPLOYMENT: 'stable',
};

function kanary(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [KANARY, 'load', ...args], {
    reject: false,
    env: { KANARY_ROUTER_URL: '', ...env },
    timeout: 30_000,
  });
}

describe('kanary load', () => {
  let good: SpawnedSampleApp;
  let failing: SpawnedSampleApp;
  beforeAll(async () => {
    [good, failing] = await Promise.all([spawnSampleApp(IDENTITY), spawnSampleApp({ ...IDENTITY, ERROR_RATE: '1' })]);
  });
  afterAll(async () => {
    await Promise.all([good.stop(), failing.stop()]);
  });

  it('prints the summary as JSON and exits 0 when the thresholds pass', async () => {
    const r = await kanary([
      good.baseUrl,
      '--duration',
      '1s',
      '--rate',
      '20',
      '--json',
      '--quiet',
      '--expect-node',
      'kind-control-plane',
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout) as LoadSummary;
    expect(summary.metrics.iterations.count).toBe(20);
    expect(summary.checks.map((c) => c.name)).toContain('node is kind-control-plane');
    expect(summary.deployments.stable).toEqual({ count: 20, share: 1 });
    expect(summary.target.headers).toEqual({ Host: 'sample.app', 'Content-Type': 'application/json' });
  });

  it('prints the k6-shaped text summary and exits 99 when a threshold fails', async () => {
    const r = await kanary([failing.baseUrl, '--stage', '1s:10', '--quiet']);
    expect(r.exitCode).toBe(99);
    expect(r.stdout).toContain('     ✗ status code is 200');
    expect(r.stdout).toMatch(/ {3}✗ checks\.+: 0\.00%/);
    expect(r.stdout).toMatch(/✓ \{ deployment:canary \}\.+:/);
    expect(r.stdout).toContain('thresholds failed: checks rate>0.9');
  });

  it('takes the target from KANARY_ROUTER_URL, headers from -H, the path from --path and custom thresholds', async () => {
    const r = await kanary(
      [
        '--path',
        '/error',
        '-H',
        'X-Canary: always',
        '-H',
        'Content-Type:',
        '--duration',
        '500ms',
        '--rate',
        '10',
        '--json',
        '--quiet',
        '--threshold',
        'http_req_failed=rate==1',
      ],
      { KANARY_ROUTER_URL: good.baseUrl },
    );
    expect(r.exitCode).toBe(0);
    const summary = JSON.parse(r.stdout) as LoadSummary;
    expect(summary.target).toEqual({
      url: `${good.baseUrl}/error`,
      headers: { Host: 'sample.app', 'X-Canary': 'always' },
    });
    expect(summary.thresholds).toEqual([{ metric: 'http_req_failed', expression: 'rate==1', ok: true, actual: 1 }]);
  });

  it('writes plain progress lines to stderr when it is not a terminal', async () => {
    const r = await kanary([good.baseUrl, '--duration', '1s', '--rate', '5', '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/^load \[=+\] 1s\/1s .* 5 done .*stable 5 canary 0/m);
  });

  it.each([
    [[], /needs a target/],
    [['http://127.0.0.1:1', '--stage', 'soon:5'], /--stage "soon:5"/],
    [['http://127.0.0.1:1', '--duration', '5s'], /--duration and --rate go together/],
    [['http://127.0.0.1:1', '--duration', '5s', '--rate', '1', '--stage', '1s:1'], /not both/],
    [['http://127.0.0.1:1', '--max-vus', '0'], /--max-vus "0"/],
    [['http://127.0.0.1:1', '--threshold', 'latency=avg<1'], /names metric "latency"/],
    [['http://127.0.0.1:1', '-H', 'nonsense'], /-H "nonsense"/],
  ])('refuses bad usage %j with exit 2', async (args, message) => {
    const r = await kanary(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
