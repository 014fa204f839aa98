import { describe, expect, it } from 'vitest';
import {
  orphanedPods,
  POD_NAME_ALPHABET,
  podNameFor,
  reconcileReplicaSet,
  type PodLike,
  type ReplicaSetAction,
  type ReplicaSetLike,
} from './index.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

function sequence(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

function replicaSet(overrides: { replicas?: number; minReadySeconds?: number; labels?: Record<string, string> } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'sample-app-6d9c8f7b5', namespace: 'sample-app', uid: 'rs-uid', generation: 3 },
    spec: {
      replicas: overrides.replicas ?? 2,
      minReadySeconds: overrides.minReadySeconds ?? 0,
      selector: { matchLabels: { app: 'sample-app' } },
      template: {
        metadata: {
          labels: overrides.labels ?? { app: 'sample-app', 'rollouts-pod-template-hash': '6d9c8f7b5' },
          annotations: { note: 'x' },
        },
        spec: { containers: [{ name: 'sample-app', image: 'img:1' }] },
      },
    },
  } satisfies ReplicaSetLike;
}

interface PodOptions {
  ready?: boolean;
  readySince?: string;
  phase?: string;
  created?: string;
  restarts?: number;
  owner?: string;
  ownerName?: string;
  deleting?: boolean;
  labels?: Record<string, string>;
}

function pod(name: string, o: PodOptions = {}): PodLike {
  const metadata: PodLike['metadata'] = {
    name,
    namespace: 'sample-app',
    uid: `uid-${name}`,
    creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
    labels: o.labels ?? { app: 'sample-app', 'rollouts-pod-template-hash': '6d9c8f7b5' },
    annotations: { note: 'x' },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: o.ownerName ?? 'sample-app-6d9c8f7b5',
        uid: o.owner ?? 'rs-uid',
        controller: true,
      },
    ],
  };
  if (o.deleting === true) metadata.deletionTimestamp = '2026-01-01T00:09:00Z';
  return {
    metadata,
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        {
          type: 'Ready',
          status: o.ready === false ? 'False' : 'True',
          lastTransitionTime: o.readySince ?? '2026-01-01T00:01:00Z',
        },
      ],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  };
}

function byType<T extends ReplicaSetAction['type']>(actions: ReplicaSetAction[], type: T) {
  return actions.filter((a): a is Extract<ReplicaSetAction, { type: T }> => a.type === type);
}

describe('podNameFor', () => {
  it('appends five characters of the Kubernetes alphabet chosen by the random source', () => {
    expect(podNameFor('rs', sequence([0]))).toBe('rs-bbbbb');
    expect(podNameFor('rs', sequence([0.999999]))).toBe('rs-99999');
    expect(podNameFor('rs', sequence([0, 0.5, 0.99, 0.2, 0.7]))).toMatch(/^rs-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(POD_NAME_ALPHABET).toHaveLength(27);
  });
});

describe('reconcileReplicaSet', () => {
  it('creates the missing pods from the template, owned by the ReplicaSet and bound to the node', () => {
    const result = reconcileReplicaSet({
      replicaSet: replicaSet({ replicas: 2 }),
      pods: [],
      now: NOW,
      random: sequence([0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5]),
      nodeName: 'kanary-local',
    });
    const created = byType(result.actions, 'createPod').map((a) => a.pod);
    expect(created.map((p) => p.metadata.name)).toEqual(['sample-app-6d9c8f7b5-bbbbb', 'sample-app-6d9c8f7b5-rrrrr']);
    expect(created[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        namespace: 'sample-app',
        generateName: 'sample-app-6d9c8f7b5-',
        labels: { app: 'sample-app', 'rollouts-pod-template-hash': '6d9c8f7b5' },
        annotations: { note: 'x' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'sample-app-6d9c8f7b5', uid: 'rs-uid', controller: true },
        ],
      },
      spec: { nodeName: 'kanary-local', containers: [{ name: 'sample-app', image: 'img:1' }] },
      status: { phase: 'Pending' },
    });
    expect(result.status).toEqual({
      replicas: 0,
      fullyLabeledReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      observedGeneration: 3,
    });
  });

  it('draws a new name when the first one is taken', () => {
    const result = reconcileReplicaSet({
      replicaSet: replicaSet({ replicas: 2 }),
      pods: [pod('sample-app-6d9c8f7b5-bbbbb')],
      now: NOW,
      random: sequence([0, 0, 0, 0, 0, 0.1, 0.1, 0.1, 0.1, 0.1]),
    });
    expect(byType(result.actions, 'createPod').map((a) => a.pod.metadata.name)).toEqual(['sample-app-6d9c8f7b5-ddddd']);
  });

  it('ignores pods owned by another ReplicaSet or another incarnation (uid) of this one', () => {
    const result = reconcileReplicaSet({
      replicaSet: replicaSet({ replicas: 1 }),
      pods: [pod('other-1', { ownerName: 'other' }), pod('stale-1', { owner: 'old-uid' })],
      now: NOW,
      random: sequence([0.3]),
    });
    expect(byType(result.actions, 'createPod')).toHaveLength(1);
    expect(byType(result.actions, 'deletePod')).toHaveLength(0);
  });

  it.each([
    {
      title: 'not ready before ready',
      pods: [pod('a'), pod('b', { ready: false }), pod('c')],
      victims: ['b'],
    },
    {
      title: 'pending before running',
      pods: [pod('a', { ready: false }), pod('b', { ready: false, phase: 'Pending' })],
      victims: ['b'],
    },
    {
      title: 'ready for a shorter time first',
      pods: [pod('a', { readySince: '2026-01-01T00:05:00Z' }), pod('b', { readySince: '2026-01-01T00:02:00Z' })],
      victims: ['a'],
    },
    {
      title: 'more restarts first',
      pods: [pod('a', { restarts: 0 }), pod('b', { restarts: 4 })],
      victims: ['b'],
    },
    {
      title: 'newest first',
      pods: [pod('a', { created: '2026-01-01T00:00:00Z' }), pod('b', { created: '2026-01-01T00:03:00Z' }), pod('c')],
      victims: ['b', 'a'],
    },
  ])('scales down the least useful pods: $title', ({ pods, victims }) => {
    const replicas = pods.length - victims.length;
    const result = reconcileReplicaSet({ replicaSet: replicaSet({ replicas }), pods, now: NOW, random: Math.random });
    const deleted = byType(result.actions, 'deletePod');
    expect(deleted.map((a) => a.pod.name)).toEqual(victims);
    expect(deleted.every((a) => a.reason === 'ScaleDown' && a.pod.namespace === 'sample-app')).toBe(true);
    expect(byType(result.actions, 'createPod')).toHaveLength(0);
  });

  it('does not count terminating or finished pods, deletes finished ones, and replaces them', () => {
    const result = reconcileReplicaSet({
      replicaSet: replicaSet({ replicas: 2 }),
      pods: [pod('a'), pod('b', { deleting: true }), pod('c', { phase: 'Failed', ready: false })],
      now: NOW,
      random: sequence([0.4]),
    });
    expect(byType(result.actions, 'createPod')).toHaveLength(1);
    expect(byType(result.actions, 'deletePod')).toEqual([
      { type: 'deletePod', pod: { namespace: 'sample-app', name: 'c', uid: 'uid-c' }, reason: 'Terminated' },
    ]);
    expect(result.status.replicas).toBe(1);
  });

  it.each([
    { minReadySeconds: 0, readySince: '2026-01-01T00:09:59Z', available: 2, requeue: undefined },
    { minReadySeconds: 30, readySince: '2026-01-01T00:09:40Z', available: 1, requeue: 10_000 },
    { minReadySeconds: 30, readySince: '2026-01-01T00:09:30Z', available: 2, requeue: undefined },
  ])(
    'counts a pod ready since $readySince as available with minReadySeconds $minReadySeconds: $available',
    ({ minReadySeconds, readySince, available, requeue }) => {
      const result = reconcileReplicaSet({
        replicaSet: replicaSet({ replicas: 3, minReadySeconds }),
        pods: [pod('a'), pod('b', { readySince }), pod('c', { ready: false })],
        now: NOW,
        random: sequence([0.9]),
      });
      expect(result.status).toEqual({
        replicas: 3,
        fullyLabeledReplicas: 3,
        readyReplicas: 2,
        availableReplicas: available,
        observedGeneration: 3,
      });
      expect(result.requeueAfterMs).toBe(requeue);
      expect(result.actions).toEqual([]);
    },
  );

  it('relabels existing pods when the template labels change (ephemeral metadata), without replacing them', () => {
    const labels = { app: 'sample-app', 'rollouts-pod-template-hash': '6d9c8f7b5', deployment: 'stable' };
    const pods = [
      pod('a', {
        labels: { app: 'sample-app', 'rollouts-pod-template-hash': '6d9c8f7b5', deployment: 'canary', extra: 'kept' },
      }),
      pod('b', { labels }),
    ];
    const result = reconcileReplicaSet({
      replicaSet: replicaSet({ replicas: 2, labels }),
      pods,
      now: NOW,
      random: Math.random,
    });
    expect(result.actions).toEqual([
      {
        type: 'patchPod',
        pod: { namespace: 'sample-app', name: 'a', uid: 'uid-a' },
        patch: { metadata: { labels: { deployment: 'stable' } } },
      },
    ]);
    expect(result.status.fullyLabeledReplicas).toBe(1);
  });
});

describe('orphanedPods', () => {
  it('deletes pods whose controlling ReplicaSet is gone, and only those', () => {
    const pods = [
      pod('a'),
      pod('b', { ownerName: 'gone' }),
      pod('c', { owner: 'old-uid' }),
      pod('d', { ownerName: 'gone', deleting: true }),
    ];
    const actions = orphanedPods(pods, [replicaSet()]);
    expect(actions.map((a) => a.type === 'deletePod' && a.pod.name)).toEqual(['b', 'c']);
    expect(actions.every((a) => a.type === 'deletePod' && a.reason === 'Orphaned')).toBe(true);
  });
});
