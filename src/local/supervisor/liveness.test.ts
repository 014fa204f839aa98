import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContainerStatus, Probe } from './pod-types.js';
import { freePort, Harness, isAlive, isReady, makePod, pidOf, waitFor } from './testing.js';

// Real processes probed every second: a few seconds per case, more on a loaded machine.
vi.setConfig({ testTimeout: 90_000 });

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.cleanup();
});

function container(key: string): ContainerStatus | undefined {
  return h.status(key)?.containerStatuses?.[0];
}

const healthz = (extra: Partial<Probe> = {}): Probe => ({
  httpGet: { path: '/healthz', port: 'http' },
  periodSeconds: 1,
  failureThreshold: 2,
  ...extra,
});

describe('Supervisor: liveness probes', () => {
  it.each([
    {
      title: 'a hung server is killed and restarted (restartPolicy Always)',
      restartPolicy: 'Always',
      env: (gate: string): Record<string, string> => ({ HANG_FILE: gate }),
      sick: (gate: string): void => writeFileSync(gate, ''),
      heal: (gate: string): void => rmSync(gate),
      // The fixture exits 0 on SIGTERM: the exit is reported as it happened, as a container runtime would.
      exit: { exitCode: 0, reason: 'Completed' },
      detail: 'HTTP probe timed out after 1000ms',
    },
    {
      title: 'a server ignoring SIGTERM is SIGKILLed after the probe grace period and restarted (OnFailure)',
      restartPolicy: 'OnFailure',
      env: (gate: string): Record<string, string> => ({ HEALTH_FILE: gate, IGNORE_SIGTERM: '1' }),
      sick: (gate: string): void => rmSync(gate),
      heal: (gate: string): void => writeFileSync(gate, ''),
      exit: { exitCode: 137, reason: 'Error' },
      detail: 'HTTP probe failed with statuscode: 503',
    },
  ])('$title', async ({ restartPolicy, env, sick, heal, exit, detail }) => {
    const supervisor = h.supervisor();
    const port = await freePort();
    const gate = join(h.dir, 'gate');
    if (exit.exitCode !== 0) writeFileSync(gate, ''); // HEALTH_FILE: healthy while it exists
    const pod = makePod(
      'live-1',
      [
        h.container(
          { PORT: String(port), ...env(gate) },
          {
            ports: [{ name: 'http', containerPort: port }],
            livenessProbe: healthz({ terminationGracePeriodSeconds: 1 }),
          },
        ),
      ],
      // The probe's grace period (1 s) applies to its kills, not the pod's: waiting for this one would time out.
      { restartPolicy, terminationGracePeriodSeconds: 600 },
    );
    await supervisor.sync([pod]);
    const first = await waitFor('ready', () => isReady(h.status('test/live-1')) && pidOf(h.status('test/live-1')));
    // Healthy for a few periods: liveness leaves it alone.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(container('test/live-1')).toMatchObject({ restartCount: 0, state: { running: {} } });

    sick(gate);
    const killed = await waitFor('killed by the liveness probe', () => {
      const c = container('test/live-1');
      return c?.state.running === undefined && c?.lastState.terminated !== undefined && c;
    });
    heal(gate);
    expect(isAlive(first)).toBe(false);
    expect(killed.ready).toBe(false);
    expect(killed.lastState.terminated).toMatchObject({
      ...exit,
      message: `Liveness probe failed: ${detail}; container app failed liveness probe, will be restarted`,
    });

    const second = await waitFor('restarted and ready', () => {
      const s = h.status('test/live-1');
      const pid = pidOf(s);
      return isReady(s) && pid !== first && pid;
    });
    expect(container('test/live-1')).toMatchObject({ restartCount: 1, started: true, ready: true });
    expect(container('test/live-1')?.lastState.terminated?.message).toContain('Liveness probe failed');
    // Healed: the new process stays.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(pidOf(h.status('test/live-1'))).toBe(second);
    const deleted = { ...pod.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 0 };
    await supervisor.sync([{ ...pod, metadata: deleted }]);
    await waitFor('gone', () => h.gone.includes('test/live-1'));
  });

  it('with restartPolicy Never, a container that fails liveness is killed and stays terminated', async () => {
    const supervisor = h.supervisor();
    const port = await freePort();
    const gate = join(h.dir, 'missing');
    const pod = makePod(
      'live-never-1',
      [
        h.container(
          { PORT: String(port), HEALTH_FILE: gate },
          { ports: [{ name: 'http', containerPort: port }], livenessProbe: healthz() },
        ),
      ],
      { restartPolicy: 'Never', terminationGracePeriodSeconds: 1 },
    );
    await supervisor.sync([pod]);
    const status = await waitFor('terminated', () => {
      const s = h.status('test/live-never-1');
      return s?.containerStatuses?.[0]?.state.terminated !== undefined && s;
    });
    expect(status.containerStatuses?.[0]).toMatchObject({
      restartCount: 0,
      ready: false,
      state: {
        terminated: {
          message: 'Liveness probe failed: HTTP probe failed with statuscode: 503; container app failed liveness probe',
        },
      },
    });
    expect(status.phase).toBe('Succeeded'); // the fixture exits 0 on SIGTERM
  });
});

describe('Supervisor: probes of a re-adopted process', () => {
  it('a supervisor that took over a started process keeps it started and kills it when liveness fails', async () => {
    const first = h.supervisor();
    const port = await freePort();
    const gate = join(h.dir, 'healthy');
    writeFileSync(gate, '');
    const pod = makePod(
      'adopt-live-1',
      [
        h.container(
          { PORT: String(port), HEALTH_FILE: gate },
          {
            ports: [{ name: 'http', containerPort: port }],
            startupProbe: healthz({ failureThreshold: 5 }),
            livenessProbe: healthz(),
          },
        ),
      ],
      { terminationGracePeriodSeconds: 1 },
    );
    await first.sync([pod]);
    const pid = await waitFor('ready', () => {
      const s = h.status('test/adopt-live-1');
      return isReady(s) && s?.containerStatuses?.[0]?.started === true && pidOf(s);
    });
    await first.stopAll({ leaveRunning: true });
    await first.close();
    const lastStatus = h.status('test/adopt-live-1');

    const second = h.supervisor();
    const reports = h.history.get('test/adopt-live-1')?.length ?? 0;
    await second.sync([{ ...pod, status: lastStatus }]);
    expect(pidOf(h.status('test/adopt-live-1'))).toBe(pid);
    // Not sent back through its startup probe: started and ready all along.
    const adopted = h.history.get('test/adopt-live-1')?.slice(reports) ?? [];
    expect(adopted.every((s) => isReady(s) && s.containerStatuses?.[0]?.started === true)).toBe(true);

    rmSync(gate);
    const restarted = await waitFor('killed and restarted by the second supervisor', () => {
      const c = container('test/adopt-live-1');
      return c?.restartCount === 1 && c;
    });
    writeFileSync(gate, '');
    expect(isAlive(pid)).toBe(false);
    // Not its child: the exit code is unknown, the reason for the kill is not.
    expect(restarted.lastState.terminated).toMatchObject({
      reason: 'Unknown',
      message:
        'Liveness probe failed: HTTP probe failed with statuscode: 503; container app failed liveness probe, will be restarted',
    });
  });
});

describe('Supervisor: startup probes', () => {
  const startupProbe = (port: number): Probe => ({ tcpSocket: { port }, periodSeconds: 1, failureThreshold: 4 });

  it('holds back readiness and liveness until a slow starter is up, without killing it', async () => {
    const supervisor = h.supervisor();
    const port = await freePort();
    const gate = join(h.dir, 'listen');
    const pod = makePod('slow-1', [
      h.container(
        { PORT: String(port), LISTEN_AFTER_FILE: gate },
        {
          ports: [{ name: 'http', containerPort: port }],
          startupProbe: startupProbe(port),
          // Would kill the container at once if it ran before the startup probe passed.
          livenessProbe: healthz({ failureThreshold: 1 }),
        },
      ),
    ]);
    await supervisor.sync([pod]);
    const pid = await waitFor('running', () => pidOf(h.status('test/slow-1')));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(container('test/slow-1')).toMatchObject({ started: false, ready: false, restartCount: 0 });

    writeFileSync(gate, '');
    await waitFor('started and ready', () => isReady(h.status('test/slow-1')));
    expect(container('test/slow-1')).toMatchObject({ started: true, ready: true, restartCount: 0 });
    expect(pidOf(h.status('test/slow-1'))).toBe(pid);
    const history = h.history.get('test/slow-1') ?? [];
    expect(history.every((s) => s.containerStatuses?.[0]?.lastState.terminated === undefined)).toBe(true);
  });

  it('kills and restarts a container whose startup probe fails failureThreshold times', async () => {
    const supervisor = h.supervisor();
    const port = await freePort();
    const pod = makePod(
      'stuck-1',
      [
        h.container(
          { PORT: String(port), LISTEN_AFTER_FILE: join(h.dir, 'never') },
          { ports: [{ name: 'http', containerPort: port }], startupProbe: startupProbe(port) },
        ),
      ],
      { terminationGracePeriodSeconds: 1 },
    );
    await supervisor.sync([pod]);
    const first = await waitFor('running', () => pidOf(h.status('test/stuck-1')));
    const restarted = await waitFor('restarted', () => {
      const c = container('test/stuck-1');
      return c?.restartCount === 1 && c;
    });
    expect(isAlive(first)).toBe(false);
    expect(restarted.lastState.terminated?.message).toMatch(
      /^Startup probe failed: dial tcp .*; container app failed startup probe, will be restarted$/,
    );
    // Never started, so never ready, in any status reported.
    expect((h.history.get('test/stuck-1') ?? []).some((s) => isReady(s))).toBe(false);
  });
});
