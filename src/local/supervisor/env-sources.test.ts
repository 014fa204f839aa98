import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConfigMapLike, SecretLike } from './env.js';
import { fixtureStarted, Harness, makePod, pidOf, waitFor } from './testing.js';

// Real processes: on a loaded machine a node start alone can take seconds.
vi.setConfig({ testTimeout: 90_000 });

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.cleanup();
});

/** The environment the fixture printed on its `n`th start (1-based). */
function startEnv(log: string, n: number): Record<string, string> {
  const line = log.split('\n').filter((l) => l.startsWith('ENV '))[n - 1] ?? '';
  return JSON.parse(line.slice('ENV '.length)) as Record<string, string>;
}

describe('Supervisor: environment from ConfigMaps and Secrets', () => {
  it('waits for a missing ConfigMap, starts with envFrom and configMapKeyRef, and sees a change on restart', async () => {
    const configMaps = new Map<string, ConfigMapLike>();
    const secrets = new Map<string, SecretLike>([['creds', { data: { PASSWORD: btoa('s3cret') } }]]);
    const supervisor = h.supervisor({
      baseEnv: { PATH: process.env.PATH ?? '' },
      configMaps: (ns, name) => Promise.resolve(ns === 'test' ? configMaps.get(name) : undefined),
      secrets: (ns, name) => Promise.resolve(ns === 'test' ? secrets.get(name) : undefined),
    });
    const pod = makePod('cm-1', [
      h.container(
        {},
        {
          envFrom: [
            { configMapRef: { name: 'app-config' } },
            { secretRef: { name: 'creds' }, prefix: 'DB_' },
            { configMapRef: { name: 'not-there', optional: true } },
          ],
          env: [
            { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'LOG_LEVEL' } } },
            { name: 'MODE', value: 'env-wins' },
            { name: 'SUMMARY', value: '$(LOG_LEVEL)/$(DB_PASSWORD)' },
          ],
        },
      ),
    ]);
    await supervisor.sync([pod]);

    const waiting = await waitFor('a config error', () => h.status('test/cm-1')?.containerStatuses?.[0]?.state.waiting);
    expect(waiting).toEqual({
      reason: 'CreateContainerConfigError',
      message: 'configmap "app-config" not found (envFrom[0].configMapRef, namespace test)',
    });
    expect(h.status('test/cm-1')?.phase).toBe('Pending');

    configMaps.set('app-config', { data: { LOG_LEVEL: 'info', MODE: 'configmap', 'app.name': 'sample' } });
    const first = startEnv(await fixtureStarted(h, 'cm-1'), 1);
    expect(first).toMatchObject({
      LOG_LEVEL: 'info',
      'app.name': 'sample',
      DB_PASSWORD: 's3cret',
      LEVEL: 'info',
      MODE: 'env-wins',
      SUMMARY: 'info/s3cret',
    });

    // The environment is fixed at start: a changed ConfigMap reaches the process when it restarts.
    configMaps.set('app-config', { data: { LOG_LEVEL: 'debug' } });
    const pid = await waitFor('running', () => pidOf(h.status('test/cm-1')));
    process.kill(pid, 'SIGKILL');
    const second = startEnv(await fixtureStarted(h, 'cm-1', 2), 2);
    expect(second).toMatchObject({ LOG_LEVEL: 'debug', LEVEL: 'debug', SUMMARY: 'debug/s3cret' });
    expect(second['app.name']).toBeUndefined();
  });
});
