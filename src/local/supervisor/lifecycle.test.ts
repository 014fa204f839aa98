import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KanaryError } from '../../common/index.js';
import { processStartTime } from './process.js';
import { collect, fixtureStarted, freePort, Harness, isAlive, isReady, makePod, pidOf, waitFor } from './testing.js';

// Real processes: on a loaded machine a node start alone can take seconds.
vi.setConfig({ testTimeout: 90_000 });

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('Supervisor: crashes and restarts', () => {
  it('restarts a killed process with growing backoff, counting restarts and keeping the last exit', async () => {
    const supervisor = h.supervisor();
    const port = await freePort();
    const pod = makePod('crash-1', [h.container({ PORT: String(port) }, { ports: [{ containerPort: port }] })]);
    await supervisor.sync([pod]);
    const first = await waitFor('ready', () => isReady(h.status('test/crash-1')) && pidOf(h.status('test/crash-1')));

    process.kill(first, 'SIGKILL');
    const second = await waitFor('restarted and ready', () => {
      const s = h.status('test/crash-1');
      const pid = pidOf(s);
      return isReady(s) && pid !== first && pid;
    });
    expect(h.status('test/crash-1')?.containerStatuses?.[0]).toMatchObject({
      restartCount: 1,
      lastState: { terminated: { exitCode: 137, reason: 'Error' } },
    });

    process.kill(second, 'SIGKILL');
    await waitFor('restarted twice', () => {
      const s = h.status('test/crash-1');
      return isReady(s) && s?.containerStatuses?.[0]?.restartCount === 2;
    });
    const backoffs = (h.history.get('test/crash-1') ?? [])
      .map((s) => s.containerStatuses?.[0]?.state.waiting)
      .filter((w) => w?.reason === 'CrashLoopBackOff')
      .map((w) => w?.message);
    expect(backoffs).toEqual([
      'back-off 100ms restarting failed container=app pod=crash-1',
      'back-off 200ms restarting failed container=app pod=crash-1',
    ]);
    // While backing off the pod was reported unready, so a router drops it until the new process is ready.
    const unreadyWhileWaiting = (h.history.get('test/crash-1') ?? []).filter(
      (s) => s.containerStatuses?.[0]?.state.waiting !== undefined,
    );
    expect(unreadyWhileWaiting.every((s) => !isReady(s))).toBe(true);
  });

  it('re-reads labels for the downward API on restart, and relabelling alone restarts nothing', async () => {
    const supervisor = h.supervisor();
    const pod = makePod('relabel-1', [
      {
        ...h.container({}),
        env: [{ name: 'ROLE', valueFrom: { fieldRef: { fieldPath: "metadata.labels['deployment']" } } }],
      },
    ]);
    pod.metadata.labels = { deployment: 'canary' };
    await supervisor.sync([pod]);
    const pid = await waitFor('running', () => pidOf(h.status('test/relabel-1')));
    await fixtureStarted(h, 'relabel-1');
    await supervisor.sync([{ ...pod, metadata: { ...pod.metadata, labels: { deployment: 'stable' } } }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pidOf(h.status('test/relabel-1'))).toBe(pid);

    process.kill(pid, 'SIGKILL');
    await waitFor('restarted', () => h.status('test/relabel-1')?.containerStatuses?.[0]?.restartCount === 1);
    const log = await fixtureStarted(h, 'relabel-1', 2);
    const roles = log
      .split('\n')
      .filter((line) => line.startsWith('ENV '))
      .map((line) => (JSON.parse(line.slice(4)) as Record<string, string>).ROLE);
    expect(roles).toEqual(['canary', 'stable']);
  });
});

describe('Supervisor: stopping', () => {
  it.each([
    { ignore: '0', exitCode: 0, title: 'a process that exits on SIGTERM stops gracefully' },
    { ignore: '1', exitCode: 137, title: 'a process that ignores SIGTERM is killed after the grace period' },
  ])('$title', async ({ ignore, exitCode }) => {
    const supervisor = h.supervisor();
    const pod = makePod('stop-1', [h.container({ IGNORE_SIGTERM: ignore })], { terminationGracePeriodSeconds: 1 });
    await supervisor.sync([pod]);
    const pid = await waitFor('running', () => pidOf(h.status('test/stop-1')));
    const logs = collect(supervisor.logs('stop-1', { namespace: 'test', follow: true }));
    await fixtureStarted(h, 'stop-1');

    await supervisor.sync([]);
    await waitFor('gone', () => h.gone.includes('test/stop-1'));
    expect(isAlive(pid)).toBe(false);
    expect(await logs).toContain('got SIGTERM');
    const last = h.history.get('test/stop-1')?.at(-1);
    expect(last?.containerStatuses?.[0]?.state.terminated?.exitCode).toBe(exitCode);
    expect(isReady(last)).toBe(false);
    // The address, record and logs are released with the pod.
    expect(supervisor.podIP('test/stop-1')).toBeUndefined();
    expect(readdirSync(join(h.stateDir, 'pods'))).toEqual([]);
    expect(existsSync(join(h.stateDir, 'logs', 'test_stop-1'))).toBe(false);
  });

  it('stops a pod marked for deletion, with its deletion grace period, and reuses its address afterwards', async () => {
    const supervisor = h.supervisor();
    const pod = makePod('del-1', [h.container({ IGNORE_SIGTERM: '1' })], { terminationGracePeriodSeconds: 30 });
    await supervisor.sync([pod]);
    const pid = await waitFor('running', () => pidOf(h.status('test/del-1')));
    const deleting = {
      ...pod,
      metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 0 },
    };
    await supervisor.sync([deleting]);
    await waitFor('gone', () => h.gone.includes('test/del-1'));
    expect(isAlive(pid)).toBe(false);
    await supervisor.sync([makePod('del-2', [h.container({})])]);
    expect(supervisor.podIP('test/del-2')).toBe(h.range.from);
  });
});

describe('Supervisor: logs', () => {
  it('captures stdout and stderr, follows appends, tails, and rotates at the size cap', async () => {
    const supervisor = h.supervisor({ logMaxBytes: 2_000 });
    await supervisor.sync([makePod('logs-1', [h.container({ TICK_MS: '5', HELLO_STDERR: '1' })])]);
    const followed = await collect(supervisor.logs('logs-1', { namespace: 'test', follow: true }), (t) =>
      /tick 30\n/.test(t),
    );
    expect(followed).toMatch(/^ENV /);
    expect(followed).toContain('hello from stderr\n');
    expect(followed).toContain('tick 0\ntick 1\n');

    const tail = await collect(supervisor.logs('logs-1', { namespace: 'test', tailLines: 2 }));
    expect(tail.trimEnd().split('\n')).toHaveLength(2);
    expect(tail).toMatch(/^tick \d+\ntick \d+\n$/);

    const file = join(h.stateDir, 'logs', 'test_logs-1', 'app.log');
    await waitFor('rotated', () => existsSync(`${file}.1`));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(statSync(file).size).toBeLessThan(20_000);
    expect(statSync(`${file}.1`).size).toBeGreaterThan(2_000);
    const after = await collect(supervisor.logs('logs-1', { namespace: 'test', follow: true }), (t) =>
      /tick \d+\n(.|\n)*tick \d+\n/.test(t),
    );
    expect(after).toMatch(/tick \d+\n/);
  });

  it('fails with NOT_FOUND for an unknown pod or container', async () => {
    const supervisor = h.supervisor();
    await supervisor.sync([makePod('logs-2', [h.container({})])]);
    expect(() => supervisor.logs('nope', { namespace: 'test' })).toThrow(KanaryError);
    expect(() => supervisor.logs('logs-2', { namespace: 'test', container: 'other' })).toThrow(/has: app/);
  });
});

describe('Supervisor: re-adoption after a server restart', () => {
  it('re-adopts running processes, keeps readiness and restart counts, resumes probing and logging', async () => {
    const first = h.supervisor();
    const port = await freePort();
    const pod = makePod('adopt-1', [
      h.container({ PORT: String(port), TICK_MS: '50' }, { ports: [{ containerPort: port }] }),
    ]);
    await first.sync([pod]);
    const pid = await waitFor('ready', () => isReady(h.status('test/adopt-1')) && pidOf(h.status('test/adopt-1')));
    await first.stopAll({ leaveRunning: true });
    await first.close();
    const lastStatus = h.status('test/adopt-1');
    expect(isAlive(pid)).toBe(true);

    // The store still holds the pod with the status the first supervisor reported.
    const second = h.supervisor();
    const reports = h.history.get('test/adopt-1')?.length ?? 0;
    await second.sync([{ ...pod, status: lastStatus }]);
    const adopted = h.history.get('test/adopt-1')?.slice(reports) ?? [];
    expect(adopted.length).toBeGreaterThan(0);
    // Never reported unready on the way: a server restart does not flap endpoints.
    expect(adopted.every(isReady)).toBe(true);
    expect(pidOf(h.status('test/adopt-1'))).toBe(pid);
    expect(second.podIP('test/adopt-1')).toBe(lastStatus?.podIP);
    expect(h.status('test/adopt-1')?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(
      lastStatus?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime,
    );

    // Logs continue in the same file: lines from before and after the hand-over.
    const before = await collect(second.logs('adopt-1', { namespace: 'test' }));
    const ticks = (before.match(/tick \d+/g) ?? []).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const later = await collect(second.logs('adopt-1', { namespace: 'test' }));
    expect((later.match(/tick \d+/g) ?? []).length).toBeGreaterThan(ticks);
    expect(later.startsWith(before)).toBe(true);

    // The second supervisor watches it: a crash is noticed and restarted.
    process.kill(pid, 'SIGKILL');
    await waitFor('restarted by the second supervisor', () => {
      const s = h.status('test/adopt-1');
      return isReady(s) && pidOf(s) !== pid && s?.containerStatuses?.[0]?.restartCount === 1;
    });
    expect(h.status('test/adopt-1')?.containerStatuses?.[0]?.lastState.terminated?.reason).toBe('Unknown');
  });

  it('stops processes of pods that were deleted while the server was down', async () => {
    const first = h.supervisor();
    const pod = makePod('orphan-1', [h.container({})]);
    await first.sync([pod]);
    const pid = await waitFor('running', () => pidOf(h.status('test/orphan-1')));
    await first.stopAll({ leaveRunning: true });
    expect(isAlive(pid)).toBe(true);

    const second = h.supervisor();
    await second.sync([]);
    await waitFor('orphan stopped', () => !isAlive(pid));
    await waitFor('record removed', () => readdirSync(join(h.stateDir, 'pods')).length === 0);
    await waitFor('reported gone', () => h.gone.includes('test/orphan-1'));
  });

  it('reports a pod being deleted as gone at once when nothing of it runs here, and only once', async () => {
    const supervisor = h.supervisor();
    const pod = makePod('never-ran-1', [h.container({})]);
    pod.metadata.deletionTimestamp = new Date().toISOString();
    await supervisor.sync([pod]);
    await supervisor.sync([pod]);
    expect(h.gone).toEqual(['test/never-ran-1']);
    expect(h.history.get('test/never-ran-1')).toBeUndefined();
  });

  it('never adopts or signals a recycled pid: a different process under the recorded pid is left alone', async () => {
    const first = h.supervisor();
    const pod = makePod('reuse-1', [h.container({})]);
    await first.sync([pod]);
    await waitFor('running', () => pidOf(h.status('test/reuse-1')));
    const lastStatus = h.status('test/reuse-1');
    await first.stopAll({ leaveRunning: true });
    // Stop the real process, then point the record at an unrelated live process (as if its pid had been reused).
    const recordsDir = join(h.stateDir, 'pods');
    const [file] = readdirSync(recordsDir);
    const recordPath = join(recordsDir, file ?? '');
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as {
      containers: Record<string, { pid: number; pgid: number; startTime: string }>;
    };
    const original = record.containers.app;
    if (original !== undefined) process.kill(-original.pgid, 'SIGKILL');
    const stranger = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      const strangerPid = stranger.pid ?? 0;
      const strangerStart = processStartTime(strangerPid);
      expect(strangerStart).toBeDefined();
      record.containers.app = { ...record.containers.app!, pid: strangerPid, pgid: strangerPid, startTime: 'not-it' };
      writeFileSync(recordPath, JSON.stringify(record));

      const second = h.supervisor();
      await second.sync([{ ...pod, status: lastStatus }]);
      await waitFor('restarted fresh', () => {
        const s = h.status('test/reuse-1');
        const pid = pidOf(s);
        return pid !== undefined && pid !== strangerPid && s?.containerStatuses?.[0]?.restartCount === 1;
      });
      expect(isAlive(strangerPid)).toBe(true);
      expect(processStartTime(strangerPid)).toBe(strangerStart);
    } finally {
      stranger.kill('SIGKILL');
    }
  });
});

describe('Supervisor: process groups', () => {
  const shell = (script: string) => ({ name: 'sh', command: ['sh', '-c', script] });
  const childPid = async (name: string): Promise<number> => {
    const supervisorLog = join(h.stateDir, 'logs', `test_${name}`, 'sh.log');
    return waitFor('child pid logged', () => {
      const match = existsSync(supervisorLog) ? /child (\d+)/.exec(readFileSync(supervisorLog, 'utf8')) : null;
      return match === null ? undefined : Number(match[1]);
    });
  };

  it('stops the whole group: a grandchild goes with the container', async () => {
    const supervisor = h.supervisor();
    await supervisor.sync([makePod('group-1', [shell('sleep 300 & echo child $!; wait')])]);
    const child = await childPid('group-1');
    expect(isAlive(child)).toBe(true);
    await supervisor.sync([]);
    await waitFor('gone', () => h.gone.includes('test/group-1'));
    await waitFor('grandchild gone', () => !isAlive(child));
  });

  it('kills what a crashed container left behind in its group before restarting it', async () => {
    const supervisor = h.supervisor();
    await supervisor.sync([makePod('group-2', [shell('sleep 300 & echo child $!; wait')])]);
    const child = await childPid('group-2');
    const leader = await waitFor('running', () => pidOf(h.status('test/group-2')));
    process.kill(leader, 'SIGKILL');
    await waitFor('leftover killed', () => !isAlive(child));
    await waitFor('restarted', () => h.status('test/group-2')?.containerStatuses?.[0]?.restartCount === 1);
  });

  it('starts a pod again that vanished from one sync and came back while it was stopping', async () => {
    const supervisor = h.supervisor();
    const pod = makePod('flicker-1', [h.container({ IGNORE_SIGTERM: '1' })], { terminationGracePeriodSeconds: 1 });
    await supervisor.sync([pod]);
    const pid = await waitFor('running', () => pidOf(h.status('test/flicker-1')));
    await supervisor.sync([]);
    await supervisor.sync([pod]);
    await waitFor('gone once', () => h.gone.includes('test/flicker-1'));
    const again = await waitFor('running again', () => {
      const next = pidOf(h.status('test/flicker-1'));
      return next !== pid && next;
    });
    expect(isAlive(again)).toBe(true);
    expect(supervisor.podKeys()).toEqual(['test/flicker-1']);
  });
});
