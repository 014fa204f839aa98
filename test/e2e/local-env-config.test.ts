import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/index.js';
import { toYaml } from '../../src/api/index.js';
import {
  runCli,
  SEED_NAMESPACE,
  seedWith,
  startInProcessCluster,
  waitFor,
  type InProcessCluster,
} from '../harness/local-cluster.js';

/**
 * An Argo manifest that takes its configuration from a ConfigMap (envFrom and configMapKeyRef) runs unchanged on
 * a real local cluster: `kanary apply -f` stores the ConfigMap, and the pod's process has its variables.
 */
let c: InProcessCluster;
const NS = SEED_NAMESPACE;

/** A running process's environment, from /proc (Linux). */
function processEnv(pid: number): Record<string, string> {
  const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
  return Object.fromEntries(
    raw
      .split('\0')
      .filter((e) => e !== '')
      .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );
}

describe('local cluster: ConfigMaps in the environment', () => {
  beforeAll(async () => {
    c = await startInProcessCluster({ prometheusAddress: 'http://127.0.0.1:9' });
  });
  afterAll(async () => {
    await (c as InProcessCluster | undefined)?.stop();
  });

  it('applies a ConfigMap and a Rollout reading it; the pod process sees its keys', async () => {
    const objs = seedWith({ steps: [{ setWeight: 25 }, { pause: {} }], dropAnalysis: true }).map((o) => {
      if (o.kind !== 'Rollout') return o;
      const container = (o as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } })
        .spec.template.spec.containers[0];
      if (container !== undefined) {
        container.envFrom = [{ configMapRef: { name: 'app-config' }, prefix: 'APP_' }];
        (container.env as unknown[]).push({
          name: 'LEVEL',
          valueFrom: { configMapKeyRef: { name: 'app-config', key: 'log.level' } },
        });
      }
      return o;
    });
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-config', namespace: NS },
      data: { 'log.level': 'debug', MODE: 'canary-test' },
    };
    const file = join(c.stateDir, 'manifests.yaml');
    writeFileSync(file, [configMap, ...objs].map(toYaml).join('---\n'));
    const env = { KANARY_STATE_DIR: c.stateDir };
    const applied = await runCli(['apply', '-f', file], env);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('configmap/app-config applied');

    const got = await runCli(['get', 'cm', 'app-config', '-n', NS, '-o', 'json'], env);
    expect(JSON.parse(got.stdout)).toMatchObject({ data: { 'log.level': 'debug' } });

    const pid = await waitFor(
      async () => {
        const pods = await c.client.list<Pod>('pods', NS);
        const id = (pods[0]?.status?.containerStatuses?.[0] as { containerID?: string } | undefined)?.containerID;
        const m = /(\d+)$/.exec(id ?? '');
        return m?.[1] === undefined ? undefined : Number(m[1]);
      },
      30_000,
      'a running pod',
    );
    expect(processEnv(pid)).toMatchObject({ 'APP_log.level': 'debug', APP_MODE: 'canary-test', LEVEL: 'debug' });

    const deleted = await runCli(['delete', 'configmap', 'app-config', '-n', NS], env);
    expect(deleted.stdout).toContain('configmap/app-config deleted');
  });
});
