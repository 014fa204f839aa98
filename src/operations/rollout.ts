import type { ReplicaSet, Rollout } from '../api/index.js';
import { KanaryError } from '../common/index.js';
import { POD_TEMPLATE_HASH_LABEL, revisionOf } from '../rollout/index.js';
import type { ResourceStore } from '../store/index.js';

/**
 * Operations on a Rollout, as `kubectl argo-rollouts` performs them: each writes intent into the spec or status
 * (the same patches as Argo's CLI) and leaves the acting to the controller. Every function returns the Rollout as
 * stored after the write.
 */

async function load(store: ResourceStore, namespace: string, name: string): Promise<Rollout> {
  const rollout = await store.get<Rollout>('Rollout', namespace, name);
  if (!rollout) {
    throw new KanaryError(
      'NOT_FOUND',
      `rollout "${name}" not found in namespace "${namespace}": check the name with \`kanary list rollouts\``,
    );
  }
  return rollout;
}

function patchSpec(
  store: ResourceStore,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<Rollout> {
  return store.patch<Rollout>('Rollout', namespace, name, { spec });
}

function patchStatus(
  store: ResourceStore,
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<Rollout> {
  return store.patch<Rollout>('Rollout', namespace, name, { status }, { subresource: 'status' });
}

/** Sets the image of one container (or of every container with `*`), starting a new revision. */
export async function setImage(
  store: ResourceStore,
  namespace: string,
  name: string,
  container: string,
  image: string,
): Promise<Rollout> {
  const rollout = await load(store, namespace, name);
  const template = rollout.spec.template;
  if (!template) throw new KanaryError('INVALID_SPEC', `rollout "${name}" has no spec.template: set image needs one`);
  const all = [...template.spec.containers, ...(template.spec.initContainers ?? [])];
  if (container !== '*' && !all.some((c) => c.name === container)) {
    const names = all.map((c) => c.name).join(', ');
    throw new KanaryError(
      'NOT_FOUND',
      `container "${container}" not found in rollout "${name}": containers are ${names}`,
    );
  }
  const swap = <C extends { name: string; image?: string }>(list: C[]): C[] =>
    list.map((c) => (container === '*' || c.name === container ? { ...c, image } : c));
  const spec: Record<string, unknown> = { containers: swap(template.spec.containers) };
  if (template.spec.initContainers) spec.initContainers = swap(template.spec.initContainers);
  return patchSpec(store, namespace, name, { template: { spec } });
}

export interface PromoteOptions {
  /** Skip every remaining step and analysis (`promote --full`). */
  full?: boolean;
}

/**
 * Promote: unpause the spec; then clear the pause (a pause step completes), or after an inconclusive step analysis
 * move past it, or when not paused skip the current step. `full` skips everything left.
 */
export async function promote(
  store: ResourceStore,
  namespace: string,
  name: string,
  options: PromoteOptions = {},
): Promise<Rollout> {
  let rollout = await load(store, namespace, name);
  const wasPaused = rollout.spec.paused === true;
  if (wasPaused) rollout = await patchSpec(store, namespace, name, { paused: false });
  const status = rollout.status ?? {};
  if (options.full === true) return patchStatus(store, namespace, name, { promoteFull: true });
  const steps = rollout.spec.strategy.canary?.steps ?? [];
  const index = status.currentStepIndex ?? 0;
  const paused = (status.pauseConditions ?? []).length > 0;
  const inconclusiveStep = status.canary?.currentStepAnalysisRunStatus?.status === 'Inconclusive';
  if (paused && inconclusiveStep && index < steps.length) {
    return patchStatus(store, namespace, name, {
      pauseConditions: null,
      controllerPause: false,
      currentStepIndex: index + 1,
    });
  }
  if (paused) return patchStatus(store, namespace, name, { pauseConditions: null });
  if (wasPaused || index >= steps.length || status.stableRS === status.currentPodHash) return rollout;
  return patchStatus(store, namespace, name, { pauseConditions: null, currentStepIndex: index + 1 });
}

/** Abort: traffic back to stable, canary scaled down, Degraded until retry or a new revision. */
export async function abort(store: ResourceStore, namespace: string, name: string): Promise<Rollout> {
  await load(store, namespace, name);
  return patchStatus(store, namespace, name, { abort: true });
}

/** Retry an aborted rollout from step 0 with fresh analysis. */
export async function retry(store: ResourceStore, namespace: string, name: string): Promise<Rollout> {
  await load(store, namespace, name);
  return patchStatus(store, namespace, name, { abort: false });
}

export async function pause(store: ResourceStore, namespace: string, name: string): Promise<Rollout> {
  await load(store, namespace, name);
  return patchSpec(store, namespace, name, { paused: true });
}

/** Clears `spec.paused` (Argo has no resume command; its `promote` does this first). */
export async function resume(store: ResourceStore, namespace: string, name: string): Promise<Rollout> {
  await load(store, namespace, name);
  return patchSpec(store, namespace, name, { paused: false });
}

export interface UndoOptions {
  /** The revision to go back to; absent or 0 means the one before the current. */
  toRevision?: number;
}

function ownedReplicaSets(all: ReplicaSet[], rollout: Rollout): ReplicaSet[] {
  return all.filter((rs) =>
    rs.metadata.ownerReferences?.some((o) => o.kind === 'Rollout' && o.name === rollout.metadata.name),
  );
}

/** The pod template a ReplicaSet was made from: its labels without the hash, its annotations without role metadata. */
function originalTemplate(rs: ReplicaSet, rollout: Rollout): ReplicaSet['spec']['template'] {
  const canary = rollout.spec.strategy.canary;
  const roleKeys = new Set([
    ...Object.keys(canary?.canaryMetadata?.annotations ?? {}),
    ...Object.keys(canary?.stableMetadata?.annotations ?? {}),
  ]);
  const labels = Object.fromEntries(
    Object.entries(rs.metadata.labels ?? {}).filter(([k]) => k !== POD_TEMPLATE_HASH_LABEL),
  );
  const annotations = Object.fromEntries(
    Object.entries(rs.spec.template.metadata?.annotations ?? {}).filter(([k]) => !roleKeys.has(k)),
  );
  const metadata = { ...(rs.spec.template.metadata ?? {}), labels };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { ...rs.spec.template, metadata };
}

/** Rolls the template back to a previous revision's; the steps run again unless that revision is the stable one. */
export async function undo(
  store: ResourceStore,
  namespace: string,
  name: string,
  options: UndoOptions = {},
): Promise<Rollout> {
  const rollout = await load(store, namespace, name);
  const replicaSets = ownedReplicaSets((await store.list<ReplicaSet>('ReplicaSet', { namespace })).items, rollout);
  const current = revisionOf(rollout);
  const target =
    options.toRevision !== undefined && options.toRevision > 0
      ? replicaSets.find((rs) => revisionOf(rs) === options.toRevision)
      : replicaSets.filter((rs) => revisionOf(rs) < current).sort((a, b) => revisionOf(b) - revisionOf(a))[0];
  if (!target) {
    const known =
      replicaSets
        .map((rs) => revisionOf(rs))
        .sort((a, b) => a - b)
        .join(', ') || 'none';
    const wanted = options.toRevision ? `revision ${options.toRevision}` : 'a previous revision';
    throw new KanaryError('NOT_FOUND', `rollout "${name}" has no ${wanted} to undo to: known revisions are ${known}`);
  }
  const stored = { ...rollout, spec: { ...rollout.spec, template: originalTemplate(target, rollout) } };
  return store.update<Rollout>(stored);
}

export interface RestartOptions {
  /** The time of the restart request (the clock's now), milliseconds since the epoch. */
  now: number;
  /** Restart this many milliseconds from now (`restart --in`). */
  inMs?: number;
}

/** Restarts every pod created before now (+ `inMs`): sets `spec.restartAt`. */
export async function restart(
  store: ResourceStore,
  namespace: string,
  name: string,
  options: RestartOptions,
): Promise<Rollout> {
  await load(store, namespace, name);
  // Kubernetes times have second precision; truncating keeps pods created later in the same second from being
  // restarted again.
  const at = new Date(Math.floor((options.now + (options.inMs ?? 0)) / 1000) * 1000);
  return patchSpec(store, namespace, name, { restartAt: at.toISOString().replace('.000Z', 'Z') });
}
