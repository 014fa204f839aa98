import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { reconcileReplicaSet, type ReplicaSetLike } from '../replicaset/index.js';
import type { Pod } from './pod-types.js';
import { freePort, Harness, pidOf, waitFor } from './testing.js';

// Real processes: on a loaded machine a node start alone can take seconds.
vi.setConfig({ testTimeout: 90_000 });

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.cleanup();
});

/**
 * The two halves of local mode's cluster against a map standing in for the store: the ReplicaSet core creates
 * Pod objects, the supervisor runs them and reports status, the core counts them ready; then a role change
 * relabels the pods without restarting them, and a scale-down stops one.
 */
it('runs a ReplicaSet: pods created, started, counted ready, relabelled in place, scaled down', async () => {
  const store = new Map<string, Pod>();
  let uid = 0;
  const supervisor = h.supervisor({
    onStatus: (key, status) => {
      const pod = store.get(key);
      if (pod !== undefined) store.set(key, { ...pod, status });
    },
  });
  const port = await freePort();
  const container = h.container({ PORT: String(port) }, { ports: [{ containerPort: port }] });
  const rs = (replicas: number, role: string): ReplicaSetLike => ({
    metadata: { name: 'web-5f8d', namespace: 'test', uid: 'rs-1', generation: 1 },
    spec: {
      replicas,
      template: { metadata: { labels: { app: 'web', deployment: role } }, spec: { containers: [container] } },
    },
  });
  let random = 0;
  const reconcile = async (replicaSet: ReplicaSetLike) => {
    const result = reconcileReplicaSet({
      replicaSet,
      pods: [...store.values()],
      now: Date.now(),
      random: () => (random = (random + 0.37) % 1),
      nodeName: supervisor.nodeName,
    });
    for (const action of result.actions) {
      if (action.type === 'createPod') {
        const pod = structuredClone(action.pod) as Pod;
        pod.metadata.uid = `pod-${++uid}`;
        pod.metadata.creationTimestamp = new Date().toISOString();
        store.set(`${pod.metadata.namespace}/${pod.metadata.name}`, pod);
      } else if (action.type === 'deletePod') {
        store.delete(`${action.pod.namespace}/${action.pod.name}`);
      } else {
        const stored = store.get(`${action.pod.namespace}/${action.pod.name}`);
        if (stored !== undefined) {
          stored.metadata.labels = { ...stored.metadata.labels, ...action.patch.metadata.labels };
        }
      }
    }
    await supervisor.sync([...store.values()]);
    return result;
  };

  await reconcile(rs(2, 'canary'));
  expect([...store.keys()]).toHaveLength(2);
  expect([...store.keys()].every((k) => /^test\/web-5f8d-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(k))).toBe(true);
  const ready = await waitFor('ReplicaSet ready', () => {
    const status = reconcileReplicaSet({
      replicaSet: rs(2, 'canary'),
      pods: [...store.values()],
      now: Date.now(),
      random: Math.random,
    }).status;
    return status.readyReplicas === 2 && status;
  });
  expect(ready).toMatchObject({ replicas: 2, availableReplicas: 2 });
  const pids = [...store.keys()].map((key) => pidOf(h.status(key)));

  await reconcile(rs(2, 'stable'));
  expect([...store.values()].map((p) => p.metadata.labels?.deployment)).toEqual(['stable', 'stable']);
  expect([...store.keys()].map((key) => pidOf(h.status(key)))).toEqual(pids);

  await reconcile(rs(1, 'stable'));
  expect(store.size).toBe(1);
  await waitFor('one pod gone', () => h.gone.length === 1);
  expect(supervisor.podKeys()).toEqual([...store.keys()]);
});
