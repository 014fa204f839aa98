import { expect, it } from 'vitest';
import type {
  Pod as ApiPod,
  PodStatus as ApiPodStatus,
  ReplicaSet as ApiReplicaSet,
} from '../../api/index.js';
import type { PodLike, ReplicaSetLike, ReplicaSetStatus } from '../replicaset/index.js';
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

it('accepts the resource model of src/api', () => {
  expect([podIn, statusOut, rsIn, podsIn, rsStatusOut].every((f) => typeof f === 'function')).toBe(true);
});
