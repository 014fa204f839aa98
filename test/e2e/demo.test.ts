import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { findPrometheus, withClusterLock } from '../../src/demo/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `kanary demo` as a user runs it: a child process, exit 0, a narrated timeline and the summary. */
async function demo(
  args: string[],
  timeout = 120_000,
): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const result = await withClusterLock(() =>
    execa('node', ['bin/kanary.js', 'demo', ...args], { cwd: ROOT, reject: false, timeout }),
  );
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

function expectSummary(stdout: string): void {
  expect(stdout).toContain('pauses 5m -> 5s, analysis interval 1m -> 2s');
  expect(stdout).toMatch(/kanary promote sample-app -n sample-app/);
  expect(stdout).toMatch(/good version \(revision 2\): Healthy/);
  expect(stdout).toMatch(/weight {2}25%: canary .* ok\n/);
  expect(stdout).toMatch(/weight {2}50%: canary .* ok\n/);
  expect(stdout).toMatch(/weight {2}75%: canary .* ok\n/);
  expect(stdout).toMatch(/faulty version \(revision 3\): Degraded/);
  expect(stdout).toContain(
    'RolloutAborted: Rollout aborted update to revision 3: Background analysis phase error/failed: Metric "success-share" assessed Failed due to failed (1) > failureLimit (0)',
  );
  expect(stdout).toMatch(/time to detect: \d+\.\d s after it first got traffic/);
  expect(stdout).toMatch(/failed requests users saw: [1-9]\d* of \d+ \(.*\) before the abort, 0 after/);
  expect(stdout).toContain('result: the story went as expected');
}

describe('kanary demo', () => {
  it('tells the whole story and exits 0 (Prometheus when on PATH, else the router provider)', async () => {
    const { exitCode, stdout, stderr } = await demo([]);
    expect(exitCode, `${stdout}\n${stderr}`).toBe(0);
    expectSummary(stdout);
    expect(stdout).toContain(
      findPrometheus() === undefined
        ? 'analysis by the router provider'
        : "analysis by the seed's PromQL on Prometheus",
    );
  }, 240_000);

  it('--no-prometheus measures with the router provider and tells the same story', async () => {
    const { exitCode, stdout, stderr } = await demo(['--no-prometheus']);
    expect(exitCode, `${stdout}\n${stderr}`).toBe(0);
    expectSummary(stdout);
    expect(stdout).toContain('analysis by the router provider');
  }, 240_000);

  it('--judge: the judge compares canary with stable, lets the good version through and aborts the faulty one', async () => {
    const { exitCode, stdout, stderr } = await demo(['--judge'], 85_000);
    expect(exitCode, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain('analysis by the judge, canary vs stable');
    expect(stdout).toContain('AnalysisTemplate sample-app-judge, metric "judge"');
    expect(stdout).toMatch(/good version \(revision 2\): Healthy/);
    // The good version's measurements are judged, none failed.
    expect(stdout).toMatch(/analysis sample-app-\w+-2: judge measured canary error rate .* -> Successful/);
    expect(stdout).not.toMatch(/analysis sample-app-\w+-2: judge measured .* -> Failed/);
    expect(stdout).toMatch(/faulty version \(revision 3\): Degraded/);
    expect(stdout).toContain(
      'RolloutAborted: Rollout aborted update to revision 3: Background analysis phase error/failed: Metric "judge" assessed Failed due to failed (1) > failureLimit (0)',
    );
    expect(stdout).toMatch(/time to detect: \d+\.\d s after it first got traffic/);
    expect(stdout).toMatch(
      /the judge: canary error rate [\d.]+% vs stable [\d.]+% over [\d,]+ vs [\d,]+ requests.*: the canary is worse\n/,
    );
    expect(stdout).toMatch(/failed requests users saw: [1-9]\d* of \d+ \(.*\) before the abort, 0 after/);
    expect(stdout).toContain('result: the story went as expected');
  }, 90_000);

  it('refuses an unknown flag with a usage error (exit 2) before starting anything', async () => {
    const result = await execa('node', ['bin/kanary.js', 'demo', '--bogus'], { cwd: ROOT, reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });
});
