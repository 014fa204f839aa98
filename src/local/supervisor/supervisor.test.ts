import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createImageMap, SEED_SAMPLE_APP_REPOSITORY } from '../images/index.js';
import type { Container, Probe } from './pod-types.js';
import { collect, freePort, Harness, isReady, makePod, waitFor } from './testing.js';

// Real processes: on a loaded machine a node start alone can take seconds.
vi.setConfig({ testTimeout: 90_000 });

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('Supervisor: starting pods', () => {
  it('gives the process the pod environment: base env, HOST, image env, values, fieldRefs and secrets', async () => {
    const supervisor = h.supervisor({
      baseEnv: { PATH: process.env.PATH ?? '', FROM_BASE: 'base' },
      secrets: (ns, name) =>
        Promise.resolve(ns === 'test' && name === 'creds' ? { data: { token: btoa('t0k3n') } } : undefined),
    });
    const pod = makePod('env-1', [
      h.container(
        { GREETING: 'hello $(HOST)' },
        {
          env: [
            { name: 'GREETING', value: 'hello $(HOST)' },
            { name: 'KUBERNETES_NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            { name: 'KUBERNETES_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            { name: 'KUBERNETES_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'KUBERNETES_DEPLOYMENT', valueFrom: { fieldRef: { fieldPath: "metadata.labels['deployment']" } } },
            { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['team']" } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
          ],
        },
      ),
    ]);
    pod.metadata.labels = { app: 'fixture', deployment: 'canary' };
    pod.metadata.annotations = { team: 'blue' };
    await supervisor.sync([pod]);
    const text = await collect(supervisor.logs('env-1', { namespace: 'test', follow: true }), (t) => t.includes('\n'));
    const env = JSON.parse(text.slice('ENV '.length, text.indexOf('\n'))) as Record<string, string>;
    const ip = supervisor.podIP('test/env-1');
    expect(ip).toBe(h.range.from);
    expect(env).toMatchObject({
      FROM_BASE: 'base',
      HOST: ip,
      KANARY_POD_IP: ip,
      HOSTNAME: 'env-1',
      GREETING: `hello ${ip}`,
      KUBERNETES_NODE: 'kanary-local',
      KUBERNETES_NAMESPACE: 'test',
      KUBERNETES_POD: 'env-1',
      KUBERNETES_DEPLOYMENT: 'canary',
      TEAM: 'blue',
      POD_IP: ip,
      TOKEN: 't0k3n',
    });
    // Nothing else leaks from the server's environment.
    expect(env.HOME).toBeUndefined();
    const status = await waitFor('running', () => {
      const s = h.status('test/env-1');
      return s?.phase === 'Running' && s;
    });
    expect(status).toMatchObject({ podIP: ip, podIPs: [{ ip }], hostIP: '127.0.0.1' });
    // Without probe and ports the container is ready once running.
    await waitFor('ready', () => isReady(h.status('test/env-1')));
  });

  it("runs two pods of the seed's template side by side on the same ports, each on its own pod IP", async () => {
    const supervisor = h.supervisor({ imageMap: createImageMap({ builtins: true }) });
    const [httpPort, metricsPort] = [await freePort(), await freePort()];
    const template = (): Container => ({
      name: 'sample-app',
      image: `${SEED_SAMPLE_APP_REPOSITORY}:1.0.0`,
      env: [
        { name: 'HTTP_PORT', value: String(httpPort) },
        { name: 'METRICS_PORT', value: String(metricsPort) },
        { name: 'KUBERNETES_NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'KUBERNETES_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'KUBERNETES_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'KUBERNETES_DEPLOYMENT', valueFrom: { fieldRef: { fieldPath: "metadata.labels['deployment']" } } },
      ],
      ports: [
        { name: 'http', containerPort: httpPort },
        { name: 'metrics', containerPort: metricsPort },
      ],
    });
    const stable = makePod('sample-app-aaaaa', [template()]);
    const canary = makePod('sample-app-bbbbb', [template()]);
    stable.metadata.labels = { app: 'sample-app', deployment: 'stable' };
    canary.metadata.labels = { app: 'sample-app', deployment: 'canary' };
    await supervisor.sync([stable, canary]);
    await waitFor(
      'both ready',
      () => isReady(h.status('test/sample-app-aaaaa')) && isReady(h.status('test/sample-app-bbbbb')),
      60_000,
    );

    const answers = [];
    for (const name of ['sample-app-aaaaa', 'sample-app-bbbbb']) {
      const ip = h.status(`test/${name}`)?.podIP ?? '';
      const res = await fetch(`http://${ip}:${httpPort}/success`);
      answers.push(await res.json());
    }
    expect(answers).toEqual([
      { node: 'kanary-local', namespace: 'test', pod: 'sample-app-aaaaa', deployment: 'stable' },
      { node: 'kanary-local', namespace: 'test', pod: 'sample-app-bbbbb', deployment: 'canary' },
    ]);
    expect(h.status('test/sample-app-aaaaa')?.podIP).not.toBe(h.status('test/sample-app-bbbbb')?.podIP);
  });

  it('reports a clear waiting reason for an unknown image, then starts once the image is mapped', async () => {
    const supervisor = h.supervisor({ imageMap: createImageMap({ stateDir: h.stateDir, builtins: false }) });
    const port = await freePort();
    const pod = makePod('unknown-1', [
      { name: 'web', image: 'registry.example/team/web:2.1', env: [{ name: 'PORT', value: String(port) }] },
    ]);
    await supervisor.sync([pod]);
    const waiting = await waitFor('waiting', () => h.status('test/unknown-1')?.containerStatuses?.[0]?.state.waiting);
    expect(h.status('test/unknown-1')?.phase).toBe('Pending');
    expect(waiting.reason).toBe('ImageNotMapped');
    expect(waiting.message).toContain('image "registry.example/team/web:2.1"');
    expect(waiting.message).toContain('registry.example/team/web');
    expect(waiting.message).toContain(join(h.stateDir, 'images.yaml'));
    expect(waiting.message).toContain('KANARY_IMAGE_MAP');

    writeFileSync(
      join(h.stateDir, 'images.yaml'),
      `registry.example/team/web:\n  command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(h.fixture)}]\n`,
    );
    await waitFor('ready after mapping', () => isReady(h.status('test/unknown-1')));
    expect(h.status('test/unknown-1')?.phase).toBe('Running');
  });

  it('reports a start error for a missing program and retries it with backoff', async () => {
    const supervisor = h.supervisor();
    await supervisor.sync([makePod('missing-1', [{ name: 'c', command: [join(h.dir, 'no-such-program')] }])]);
    const status = await waitFor('restarted', () => {
      const s = h.status('test/missing-1');
      return (s?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && s;
    });
    expect(status.containerStatuses?.[0]?.lastState.terminated).toMatchObject({ exitCode: 128, reason: 'StartError' });
    expect(status.containerStatuses?.[0]?.lastState.terminated?.message).toContain('ENOENT');
  });

  it.each([
    { policy: 'Never' as const, exitCode: '3', phase: 'Failed' },
    { policy: 'OnFailure' as const, exitCode: '0', phase: 'Succeeded' },
    { policy: 'Never' as const, exitCode: '0', phase: 'Succeeded' },
  ])('ends in $phase with restartPolicy $policy and exit code $exitCode', async ({ policy, exitCode, phase }) => {
    const supervisor = h.supervisor();
    await supervisor.sync([makePod('once-1', [h.container({ EXIT_CODE: exitCode })], { restartPolicy: policy })]);
    const status = await waitFor('finished', () => {
      const s = h.status('test/once-1');
      return s?.phase === phase && s;
    });
    expect(status.containerStatuses?.[0]).toMatchObject({
      ready: false,
      restartCount: 0,
      state: { terminated: { exitCode: Number(exitCode) } },
    });
  });
});

describe('Supervisor: readiness', () => {
  const httpProbe = (): Probe => ({
    httpGet: { path: '/healthz', port: 'http' },
    periodSeconds: 1,
    failureThreshold: 1,
  });
  it.each([
    {
      kind: 'httpGet',
      env: (gate: string): Record<string, string> => ({ HEALTH_FILE: gate }),
      probe: (): Probe | undefined => httpProbe(),
    },
    {
      kind: 'tcpSocket',
      env: (gate: string): Record<string, string> => ({ LISTEN_AFTER_FILE: gate }),
      probe: (port: number): Probe | undefined => ({ tcpSocket: { port }, periodSeconds: 1 }),
    },
    {
      kind: 'exec',
      env: (): Record<string, string> => ({}),
      probe: (_port: number, gate: string): Probe | undefined => ({
        exec: {
          command: [process.execPath, '-e', `process.exit(require('fs').existsSync(${JSON.stringify(gate)}) ? 0 : 1)`],
        },
        periodSeconds: 1,
      }),
    },
    {
      kind: 'implicit: the first declared port accepting connections',
      env: (gate: string): Record<string, string> => ({ LISTEN_AFTER_FILE: gate }),
      probe: (): Probe | undefined => undefined,
    },
  ])('becomes ready only when the $kind check passes', async ({ env, probe }) => {
    const supervisor = h.supervisor();
    const port = await freePort();
    const gate = join(h.dir, 'gate');
    const readinessProbe = probe(port, gate);
    const container = h.container(
      { PORT: String(port), ...env(gate) },
      { ports: [{ name: 'http', containerPort: port }], ...(readinessProbe === undefined ? {} : { readinessProbe }) },
    );
    await supervisor.sync([makePod('probe-1', [container])]);
    await waitFor('running', () => h.status('test/probe-1')?.containerStatuses?.[0]?.state.running);
    // Several probe periods pass while the gate is closed: the pod must stay unready.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(isReady(h.status('test/probe-1'))).toBe(false);
    expect(h.status('test/probe-1')?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });

    writeFileSync(gate, '');
    await waitFor('ready', () => isReady(h.status('test/probe-1')));
    const status = h.status('test/probe-1');
    expect(status?.containerStatuses?.[0]?.ready).toBe(true);
    expect(status?.conditions?.find((c) => c.type === 'ContainersReady')?.status).toBe('True');
  });

  it('turns unready after failureThreshold failed probes, without restarting the container', async () => {
    const supervisor = h.supervisor();
    const port = await freePort();
    const gate = join(h.dir, 'healthy');
    writeFileSync(gate, '');
    const container = h.container(
      { PORT: String(port), HEALTH_FILE: gate },
      { ports: [{ name: 'http', containerPort: port }], readinessProbe: httpProbe() },
    );
    await supervisor.sync([makePod('flap-1', [container])]);
    await waitFor('ready', () => isReady(h.status('test/flap-1')));
    const readySince = h.status('test/flap-1')?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    expect(readySince).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    rmSync(gate);
    await waitFor('unready', () => !isReady(h.status('test/flap-1')));
    expect(h.status('test/flap-1')?.containerStatuses?.[0]).toMatchObject({ restartCount: 0, state: { running: {} } });
  });
});
