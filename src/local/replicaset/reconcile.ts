import { DEFAULT_NAMESPACE } from '../../api/index.js';
import { podNameFor } from './pod-name.js';
import { compareForDeletion, isActive, isAvailable, isReady, isTerminal } from './pod-state.js';
import type {
  NewPod,
  PodLike,
  PodMetadataPatch,
  PodRef,
  ReplicaSetAction,
  ReplicaSetLike,
  ReplicaSetStatus,
} from './types.js';

export interface ReplicaSetReconcileInput<Spec = unknown> {
  replicaSet: ReplicaSetLike<Spec>;
  /** Pods of the ReplicaSet's namespace (or any superset): only those it controls by owner reference count. */
  pods: readonly PodLike[];
  /** Milliseconds since the epoch. */
  now: number;
  /** Uniform in [0, 1): draws pod name suffixes. */
  random: () => number;
  /** The node new pods are bound to (local mode's scheduler is this one line); unset leaves spec.nodeName alone. */
  nodeName?: string;
}

export interface ReplicaSetReconcileResult<Spec = unknown> {
  actions: ReplicaSetAction<Spec>[];
  /** The status to write, computed from the observed pods (before the actions take effect, as Kubernetes does). */
  status: ReplicaSetStatus;
  /** When a ready pod becomes available later (minReadySeconds), reconcile again after this many milliseconds. */
  requeueAfterMs: number | undefined;
}

/**
 * One level-triggered pass of the local ReplicaSet controller, pure: the caller lists the pods after its previous
 * actions were applied (the store is read-your-writes), so no expectations bookkeeping is needed.
 *
 * - Creates pods from the template up to `spec.replicas`, named `<replicaset>-<5 chars>`, owned by the ReplicaSet.
 * - Deletes surplus pods, the least useful first (pending, not ready, newest), and finished pods (local mode has no
 *   pod garbage collector).
 * - Copies the template's labels and annotations onto existing pods without restarting them, which is how
 *   Argo's ephemeral metadata (`canaryMetadata`/`stableMetadata`) relabels pods when their role changes.
 */
export function reconcileReplicaSet<Spec>(input: ReplicaSetReconcileInput<Spec>): ReplicaSetReconcileResult<Spec> {
  const { replicaSet, now } = input;
  const owned = input.pods.filter((pod) => isControlledBy(pod, replicaSet));
  const active = owned.filter(isActive);
  const desired = Math.max(0, replicaSet.spec?.replicas ?? 1);
  const actions: ReplicaSetAction<Spec>[] = [];

  for (const pod of owned.filter((p) => isTerminal(p) && p.metadata.deletionTimestamp === undefined)) {
    actions.push({ type: 'deletePod', pod: refOf(pod), reason: 'Terminated' });
  }
  if (active.length < desired) {
    const taken = new Set(input.pods.map((p) => p.metadata.name));
    for (let i = active.length; i < desired; i++) {
      const pod = podFromTemplate(replicaSet, taken, input);
      taken.add(pod.metadata.name);
      actions.push({ type: 'createPod', pod });
    }
  } else if (active.length > desired) {
    const victims = [...active].sort(compareForDeletion(now)).slice(0, active.length - desired);
    for (const pod of victims) actions.push({ type: 'deletePod', pod: refOf(pod), reason: 'ScaleDown' });
  }
  for (const pod of active) {
    const patch = templateMetadataPatch(replicaSet, pod);
    if (patch !== undefined) actions.push({ type: 'patchPod', pod: refOf(pod), patch });
  }

  const { status, requeueAfterMs } = replicaSetStatus(replicaSet, active, now);
  return { actions, status, requeueAfterMs };
}

/** The status Kubernetes' ReplicaSet controller reports for these active pods. */
export function replicaSetStatus(
  replicaSet: ReplicaSetLike,
  active: readonly PodLike[],
  now: number,
): { status: ReplicaSetStatus; requeueAfterMs: number | undefined } {
  const minReadySeconds = replicaSet.spec?.minReadySeconds ?? 0;
  const templateLabels = replicaSet.spec?.template?.metadata?.labels ?? {};
  let requeueAfterMs: number | undefined;
  let ready = 0;
  let available = 0;
  for (const pod of active) {
    if (!isReady(pod)) continue;
    ready++;
    if (isAvailable(pod, minReadySeconds, now)) {
      available++;
      continue;
    }
    const since = Date.parse(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '');
    const wait = Number.isNaN(since) ? minReadySeconds * 1000 : since + minReadySeconds * 1000 - now;
    requeueAfterMs = Math.min(requeueAfterMs ?? Number.POSITIVE_INFINITY, Math.max(1, wait));
  }
  const fullyLabeled = active.filter((pod) =>
    Object.entries(templateLabels).every(([k, v]) => pod.metadata.labels?.[k] === v),
  ).length;
  const status: ReplicaSetStatus = {
    replicas: active.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
  };
  if (replicaSet.metadata.generation !== undefined) status.observedGeneration = replicaSet.metadata.generation;
  return { status, requeueAfterMs };
}

/** True when the pod's controller owner reference points at this ReplicaSet (by uid when both have one). */
export function isControlledBy(pod: PodLike, replicaSet: ReplicaSetLike): boolean {
  const owner = pod.metadata.ownerReferences?.find((ref) => ref.controller === true);
  if (owner?.kind !== 'ReplicaSet' || owner.name !== replicaSet.metadata.name) return false;
  if ((pod.metadata.namespace ?? DEFAULT_NAMESPACE) !== (replicaSet.metadata.namespace ?? DEFAULT_NAMESPACE)) {
    return false;
  }
  const uid = replicaSet.metadata.uid;
  return uid === undefined || owner.uid === uid;
}

function podFromTemplate<Spec>(
  replicaSet: ReplicaSetLike<Spec>,
  taken: ReadonlySet<string | undefined>,
  input: ReplicaSetReconcileInput<Spec>,
): NewPod<Spec> {
  const rsName = replicaSet.metadata.name ?? '';
  let name = podNameFor(rsName, input.random);
  for (let attempt = 0; taken.has(name) && attempt < 100; attempt++) name = podNameFor(rsName, input.random);
  const template = replicaSet.spec?.template ?? {};
  // The spec is opaque here but for nodeName, which plays the scheduler's part.
  const spec = structuredClone((template.spec ?? { containers: [] }) as Record<string, unknown>);
  if (input.nodeName !== undefined && spec.nodeName === undefined) spec.nodeName = input.nodeName;
  const metadata: NewPod['metadata'] = {
    name,
    generateName: `${rsName}-`,
    namespace: replicaSet.metadata.namespace ?? DEFAULT_NAMESPACE,
    labels: { ...template.metadata?.labels },
    ownerReferences: [
      {
        apiVersion: replicaSet.apiVersion ?? 'apps/v1',
        kind: 'ReplicaSet',
        name: rsName,
        uid: replicaSet.metadata.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
  if (template.metadata?.annotations !== undefined) metadata.annotations = { ...template.metadata.annotations };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: spec as Spec, status: { phase: 'Pending' } };
}

function templateMetadataPatch(replicaSet: ReplicaSetLike, pod: PodLike): PodMetadataPatch | undefined {
  const template = replicaSet.spec?.template?.metadata;
  const labels = changedKeys(template?.labels, pod.metadata.labels);
  const annotations = changedKeys(template?.annotations, pod.metadata.annotations);
  if (labels === undefined && annotations === undefined) return undefined;
  const metadata: PodMetadataPatch['metadata'] = {};
  if (labels !== undefined) metadata.labels = labels;
  if (annotations !== undefined) metadata.annotations = annotations;
  return { metadata };
}

function changedKeys(
  wanted: Record<string, string> | undefined,
  actual: Record<string, string> | undefined,
): Record<string, string> | undefined {
  const changed: Record<string, string> = {};
  let any = false;
  for (const [key, value] of Object.entries(wanted ?? {})) {
    if (actual?.[key] === value) continue;
    changed[key] = value;
    any = true;
  }
  return any ? changed : undefined;
}

function refOf(pod: PodLike): PodRef {
  return {
    namespace: pod.metadata.namespace ?? DEFAULT_NAMESPACE,
    name: pod.metadata.name ?? '',
    uid: pod.metadata.uid,
  };
}

/**
 * Garbage collection of pods whose controlling ReplicaSet is gone (Kubernetes' garbage collector does this with
 * owner references): a deletePod action for each.
 */
export function orphanedPods(pods: readonly PodLike[], replicaSets: readonly ReplicaSetLike[]): ReplicaSetAction[] {
  const live = new Set(
    replicaSets.map(
      (rs) => `${rs.metadata.namespace ?? DEFAULT_NAMESPACE}/${rs.metadata.name ?? ''}/${rs.metadata.uid ?? ''}`,
    ),
  );
  const actions: ReplicaSetAction[] = [];
  for (const pod of pods) {
    const owner = pod.metadata.ownerReferences?.find((ref) => ref.controller === true);
    if (owner?.kind !== 'ReplicaSet' || pod.metadata.deletionTimestamp !== undefined) continue;
    const key = `${pod.metadata.namespace ?? DEFAULT_NAMESPACE}/${owner.name}/${owner.uid}`;
    if (!live.has(key)) actions.push({ type: 'deletePod', pod: refOf(pod), reason: 'Orphaned' });
  }
  return actions;
}
