import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../../src/api/index.js';
import {
  applyAll,
  freshPodIPRange,
  kanaryDown,
  runCli,
  SEED_IMAGE,
  SEED_NAMESPACE,
  SEED_ROLLOUT,
  seedWith,
  startInProcessCluster,
  tempStateDir,
  waitFor,
  waitForRollout,
} from '../harness/local-cluster.js';
import type { InProcessCluster } from '../harness/local-cluster.js';
import { rmSync } from 'node:fs';
import { KanaryClient } from '../../src/client/index.js';
import { startLocalCluster } from '../../src/local/cluster/index.js';
import type { LocalCluster } from '../../src/local/cluster/index.js';
import { SqliteStore } from '../../src/store/index.js';

/**
 * Deleting a Rollout on a real local cluster (real SQLite, router and pod processes): its ReplicaSets, Pods (and
 * their processes), canary Ingress and AnalysisRuns go after it, while what the user applied stays; with
 * `--cascade=orphan` its ReplicaSet and pods stay, without the reference to it.
 */

const NS = SEED_NAMESPACE;
let c: InProcessCluster;
const cli = (args: string[]): ReturnType<typeof runCli> => runCli(args, { KANARY_STATE_DIR: c.stateDir });

/** The client of the cluster the running test talks to. */
let client: KanaryClient;

function list<T extends KubeObject = KubeObject>(resource: string): Promise<T[]> {
  return client.list<T>(resource, NS);
}

const names = (objs: readonly KubeObject[]): string[] => objs.map((o) => o.metadata.name ?? '').sort();

/** The pid of a pod's (first) container once it runs; local mode's containerID ends with it. */
function pidOf(pod: Pod): number | undefined {
  const s = pod.status?.containerStatuses?.[0] as { ready?: boolean; containerID?: string } | undefined;
  const m = /(\d+)$/.exec(s?.containerID ?? '');
  return s?.ready === true && m?.[1] !== undefined ? Number(m[1]) : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pids of the namespace's pods, once every pod is ready (and there are `count` of them). */
function runningPids(count: number): Promise<number[]> {
  return waitFor(
    async () => {
      const pods = await list<Pod>('pods');
      const pids = pods.map(pidOf);
      return pods.length === count && pids.every((p) => p !== undefined) ? pids : undefined;
    },
    30_000,
    `${count} running pods`,
  );
}

/**
 * Waits until the collector has swept after everything done so far: it deletes an owner whose dependent can only
 * go in a sweep that starts after that deletion (sweeps run one at a time, in order).
 */
async function collectorCaughtUp(): Promise<void> {
  const marker = `gc-marker-${Date.now()}`;
  const owner = await client.create<KubeObject>('secrets', NS, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: marker },
  });
  const ref = { apiVersion: 'v1', kind: 'Secret', name: marker, uid: owner.metadata.uid ?? '' };
  await client.create('secrets', NS, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${marker}-dependent`, ownerReferences: [ref] },
  });
  await client.delete('secrets', NS, marker);
  await waitFor(
    async () => ((await list('secrets')).some((s) => s.metadata.name === `${marker}-dependent`) ? undefined : true),
    10_000,
    'the marker dependent collected',
  );
}

describe('local cluster: deleting a Rollout collects what it owns', () => {
  beforeAll(async () => {
    // Prometheus answers nowhere: the background analysis keeps an AnalysisRun running with errors, which is all
    // this test needs of it.
    c = await startInProcessCluster({ prometheusAddress: 'http://127.0.0.1:9' });
    client = c.client;
  });
  afterAll(async () => {
    await (c as InProcessCluster | undefined)?.stop();
  });

  it('`delete rollout` takes its ReplicaSets, Pods and their processes, canary Ingress and AnalysisRuns', async () => {
    const objs = seedWith({ steps: [{ setWeight: 25 }, { pause: {} }] }).map((o) => {
      if (o.kind !== 'Rollout') return o;
      // Background analysis from the first step, so a run exists while the canary pauses.
      const spec = o.spec as { strategy: { canary: { analysis: { startingStep?: number } } } };
      spec.strategy.canary.analysis.startingStep = 0;
      return o;
    });
    await applyAll(client, objs);
    await waitForRollout(client, (r) => r.phase === 'Healthy', 30_000, 'the first revision Healthy');
    const set = await cli(['set', 'image', SEED_ROLLOUT, `sample-app=${SEED_IMAGE}:2.0.0`, '-n', NS]);
    expect(set.code, set.stderr).toBe(0);
    await waitForRollout(client, (r) => r.step === 1 && r.paused, 30_000, 'the canary paused at step 1');
    await waitFor(async () => ((await list('analysisruns')).length > 0 ? true : undefined), 20_000, 'an AnalysisRun');
    const pids = await runningPids(2);
    expect(names(await list('replicasets'))).toHaveLength(2);
    const ingresses = names(await list('ingresses'));
    expect(ingresses).toContain('sample-app');
    expect(ingresses.length).toBe(2);
    const keptServices = names(await list('services'));

    const del = await cli(['delete', 'rollout', SEED_ROLLOUT, '-n', NS]);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toBe(`rollout/${SEED_ROLLOUT} deleted\n`);

    await waitFor(
      async () => {
        const [rs, pods, ing, runs] = await Promise.all([
          list('replicasets'),
          list('pods'),
          list('ingresses'),
          list('analysisruns'),
        ]);
        return rs.length === 0 && pods.length === 0 && runs.length === 0 && ing.length === 1 ? true : undefined;
      },
      30_000,
      'ReplicaSets, Pods, the canary Ingress and AnalysisRuns gone',
    );
    await waitFor(() => Promise.resolve(pids.some(alive) ? undefined : true), 10_000, 'the pod processes gone');
    expect(names(await list('ingresses'))).toEqual(['sample-app']);
    expect(names(await list('services'))).toEqual(keptServices);
    expect(keptServices).toEqual(['sample-app', 'sample-app-canary']);
    expect(names(await list('analysistemplates'))).toEqual(['sample-app']);
  }, 120_000);

  it('`delete rollout --cascade=orphan` keeps its ReplicaSet and running pod, without the owner reference', async () => {
    await applyAll(client, seedWith({ steps: [{ setWeight: 25 }, { pause: {} }], dropAnalysis: true }));
    await waitForRollout(client, (r) => r.phase === 'Healthy', 30_000, 'the re-created Rollout Healthy');
    const [pid] = await runningPids(1);
    const [rs] = await list('replicasets');
    const rsName = rs?.metadata.name ?? '';
    expect(rs?.metadata.ownerReferences?.map((o) => o.kind)).toEqual(['Rollout']);

    const del = await cli(['delete', 'rollout', SEED_ROLLOUT, '-n', NS, '--cascade=orphan']);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toContain(`replicaset/${rsName} orphaned`);
    await collectorCaughtUp();

    const [kept] = await list('replicasets');
    expect(kept?.metadata.name).toBe(rsName);
    expect(kept?.metadata.ownerReferences).toBeUndefined();
    const [pod] = await list<Pod>('pods');
    expect(pod?.metadata.deletionTimestamp).toBeUndefined();
    expect(pid !== undefined && alive(pid)).toBe(true);

    // The orphan is an ordinary ReplicaSet now: deleting it takes its pod and process.
    const rsDel = await cli(['delete', 'rs', rsName, '-n', NS]);
    expect(rsDel.code, rsDel.stderr).toBe(0);
    await waitFor(async () => ((await list('pods')).length === 0 ? true : undefined), 30_000, 'the pod gone');
    await waitFor(
      () => Promise.resolve(pid !== undefined && alive(pid) ? undefined : true),
      10_000,
      'the process gone',
    );
  }, 120_000);

  it('refuses an unknown --cascade mode with a usage error', async () => {
    const res = await cli(['delete', 'rollout', 'x', '-n', NS, '--cascade=sideways']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('sideways');
  });
});

describe('local cluster: a Rollout deleted while no server ran', () => {
  const stateDir = tempStateDir('kanary-gc-restart-');
  const range = freshPodIPRange();
  let cluster: LocalCluster | undefined;
  const start = async (): Promise<void> => {
    cluster = await startLocalCluster({ stateDir, port: 0, routerPort: 0, podIPRange: range, log: () => undefined });
    client = new KanaryClient({ url: cluster.url, token: cluster.token });
  };

  afterAll(async () => {
    await cluster?.close({ everything: true });
    await kanaryDown(stateDir);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('is caught up by the first sweep of the next server: its ReplicaSet, pod and process go', async () => {
    await start();
    await applyAll(client, seedWith({ steps: [{ setWeight: 25 }, { pause: {} }], dropAnalysis: true }));
    await waitForRollout(client, (r) => r.phase === 'Healthy', 30_000, 'Healthy');
    const [pid] = await runningPids(1);
    const database = cluster?.layout.database ?? '';
    // The server stops (its pods keep running); the Rollout is removed behind its back.
    await cluster?.close();
    cluster = undefined;
    const store = new SqliteStore({ path: database });
    await store.delete('Rollout', NS, SEED_ROLLOUT);
    await store.close();
    expect(pid !== undefined && alive(pid)).toBe(true);

    await start();
    await waitFor(
      async () => {
        const [rs, pods] = await Promise.all([list('replicasets'), list('pods')]);
        return rs.length === 0 && pods.length === 0 ? true : undefined;
      },
      30_000,
      'the ReplicaSet and pod gone',
    );
    await waitFor(
      () => Promise.resolve(pid !== undefined && alive(pid) ? undefined : true),
      10_000,
      'the process gone',
    );
    expect(names(await list('services'))).toEqual(['sample-app', 'sample-app-canary']);
  }, 120_000);
});
