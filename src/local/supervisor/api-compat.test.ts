import { expect, it } from 'vitest';
import type { Pod as ApiPod, PodStatus as ApiPodStatus, ReplicaSet as ApiReplicaSet } from '../../api/index.js';
import { reconcileReplicaSet, type PodLike, type ReplicaSetLike, type ReplicaSetStatus } from '../replicaset/index.js';
import type { Pod, PodStatus } from './index.js';

/**
 * The supervisor and the ReplicaSet core declare the shapes they need structurally; these assignments fail to
 * compile when they drift from the resource model in `src/api`, in either direction the server uses them.
 */
const podIn = (pod: ApiPod): Pod => pod;
const statusOut = (status: PodStatus): ApiPodStatus => status;
const rsIn = (rs: ApiReplicaSet): ReplicaSetLike => rs;
const podsIn = (pod: ApiPod): PodLike => pod;
const rsStatusOut = (status: ReplicaSetStatus): NonNullable<ApiReplicaSet['status']> => status;
/** Pods the ReplicaSet core creates from a model ReplicaSet are model Pods, ready for `store.create`. */
const created = (rs: ApiReplicaSet): ApiPod[] =>
  reconcileReplicaSet({ replicaSet: rs, pods: [], now: 0, random: () => 0.5 }).actions.flatMap((a) =>
    a.type === 'createPod' ? [a.pod] : [],
  );
const supervised = (pods: ApiPod[]): Pod[] => pods;

it('accepts the resource model of src/api', () => {
  expect([podIn, statusOut, rsIn, podsIn, rsStatusOut, supervised].every((f) => typeof f === 'function')).toBe(true);
  const rs: ApiReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-1', namespace: 'ns', uid: 'u' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    },
  };
  const pods = created(rs);
  expect(pods.map((p) => [p.metadata.name, p.metadata.labels, p.spec.containers[0]?.image])).toEqual([
    ['web-1-rrrrr', { app: 'web' }, 'i'],
  ]);
});
