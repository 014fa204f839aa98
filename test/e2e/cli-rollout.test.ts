import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE } from '../sim/fixtures.js';
import { LiveWorld, NAME, NS, TOKEN } from './cli-world.js';

const ESC = String.fromCharCode(27);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'kanary.js');

/**
 * Journey: the CLI verbs over a real server, against a rollout the real controller moves: get, list, set image,
 * status exit codes, promote, abort, retry; and `get rollout --watch` in a pseudo-terminal showing a live change.
 */
describe('kanary CLI over a live server', { timeout: 120_000 }, () => {
  let world: LiveWorld;
  let env: Record<string, string>;

  const kanary = (...args: string[]) =>
    execa('node', [BIN, ...args, '-n', NS], { env, reject: false, timeout: 20_000 });

  beforeAll(async () => {
    world = await LiveWorld.start();
    await world.deployV1();
    env = {
      KANARY_SERVER: world.url,
      KANARY_TOKEN: TOKEN,
      KANARY_STATE_DIR: mkdtempSync(join(tmpdir(), 'kanary-cli-')),
      NO_COLOR: '1',
    };
  });
  afterAll(async () => {
    await world.stop();
  });

  it('get rollout shows the header and tree of a Healthy rollout, without colour off a TTY', async () => {
    const r = await kanary('get', 'rollout', NAME);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Status: +✔ Healthy$/m);
    expect(r.stdout).toMatch(/^Images: +ghcr\.io\/jhandguy\/canary-deployment\/sample-app:1\.0\.0 \(stable\)$/m);
    expect(r.stdout).toMatch(/^⟳ sample-app +Rollout +✔ Healthy/m);
    expect(r.stdout).toMatch(/└──# revision:1/);
    expect(r.stdout).toMatch(/□ sample-app-\S+ +Pod +✔ Running +\S+ +ready:1\/1/);
    expect(r.stdout).not.toContain(`${ESC}[`);
  });

  it('set image starts a canary that pauses at step 1; status says so with exit code 4', async () => {
    const set = await kanary('set', 'image', NAME, `sample-app=${IMAGE}:2.0.0`);
    expect(set.stdout).toBe(`rollout '${NAME}' image updated`);
    await world.waitFor((r) => r.status?.phase === 'Paused' && r.status.currentStepIndex === 1, 'paused at step 1');
    const st = await kanary('status', NAME, '--no-watch');
    expect([st.exitCode, st.stdout]).toEqual([4, 'Paused - CanaryPauseStep']);
    const list = await kanary('list', 'rollouts');
    expect(list.stdout.split('\n')[0]).toMatch(
      /^NAME +STRATEGY +STATUS +STEP +SET-WEIGHT +READY +DESIRED +UP-TO-DATE +AVAILABLE$/,
    );
    expect(list.stdout).toMatch(/^sample-app +Canary +Paused +1\/6 +25 /m);
  });

  it('status --timeout exits 2 while the rollout waits for a human', async () => {
    const st = await kanary('status', NAME, '--timeout', '1s');
    expect(st.exitCode).toBe(2);
    expect(st.stdout).toBe('Paused - CanaryPauseStep');
    expect(st.stderr).toContain('Rollout status watch exceeded timeout');
  });

  it('get rollout --watch in a pseudo-terminal redraws when the rollout is promoted', async () => {
    const cmd = `node ${BIN} get rollout ${NAME} -n ${NS} --watch --timeout-seconds 15`;
    const child = execa('script', ['-qfec', cmd, '/dev/null'], {
      env: { ...env, NO_COLOR: '', TERM: 'xterm-256color' },
      reject: false,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const until = async (re: RegExp, what: string): Promise<void> => {
      const end = Date.now() + 15_000;
      while (!re.test(out)) {
        if (Date.now() > end) throw new Error(`no ${what} in the watch output:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await until(/Step: +1\/6/, 'step 1/6');
      expect(out).toContain(`${ESC}[`); // a TTY gets colour (and log-update's cursor moves)
      const promote = await kanary('promote', NAME);
      expect(promote.stdout).toBe(`rollout '${NAME}' promoted`);
      await until(/Step: +3\/6/, 'step 3/6 after promote');
      expect(out).toMatch(/SetWeight: +50/);
    } finally {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      await child;
    }
  });

  it('abort makes it Degraded (status exits 1), retry brings it back to step 1', async () => {
    await world.waitFor((r) => r.status?.currentStepIndex === 3, 'step 3');
    const abort = await kanary('abort', NAME);
    expect(abort.stdout).toBe(`rollout '${NAME}' aborted`);
    const st = await kanary('status', NAME, '--timeout', '10s');
    expect(st.exitCode).toBe(1);
    expect(st.stderr).toContain('The rollout is in a degraded state with message: RolloutAborted');
    const retry = await kanary('retry', 'rollout', NAME);
    expect(retry.stdout).toBe(`rollout '${NAME}' retried`);
    await world.waitFor(
      (r) => r.status?.phase === 'Paused' && r.status.currentStepIndex === 1,
      'paused at step 1 again',
    );
    const json = await kanary('get', 'rollout', NAME, '-o', 'json');
    expect((JSON.parse(json.stdout) as { status: { currentStepIndex: number } }).status.currentStepIndex).toBe(1);
  });

  it('promote --full finishes the rollout; status exits 0', async () => {
    const full = await kanary('promote', NAME, '--full');
    expect(full.stdout).toBe(`rollout '${NAME}' fully promoted`);
    const st = await kanary('status', NAME, '--timeout', '10s');
    expect([st.exitCode, st.stdout.split('\n').at(-1)]).toEqual([0, 'Healthy']);
  });

  it('explains a missing rollout and a bad flag', async () => {
    const missing = await kanary('get', 'rollout', 'nope');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('Rollout "nope" not found in namespace "sample-app"');
    const bad = await kanary('restart', NAME, '--in', 'soon');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--in "soon" is not a duration');
  });

  it('dashboard prints the URL with the token in the fragment', async () => {
    const r = await execa('node', [BIN, 'dashboard', '--no-open'], { env, reject: false });
    expect(r.stdout).toBe(`Kanary dashboard: ${world.url}/#token=${TOKEN}`);
  });
});

describe('kanary completion', () => {
  it('bash completion is valid bash and lists the verbs', () => {
    const script = execFileSync('node', [BIN, 'completion', 'bash'], { encoding: 'utf8' });
    expect(script).toMatch(/complete -F _kanary kanary/);
    expect(script).toMatch(/words="[^"]*\bpromote\b[^"]*\bstatus\b/);
    execFileSync('bash', ['-n'], { input: script });
  });
});
