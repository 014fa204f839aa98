import type { AnalysisRun, KubeObject, Pod, ReplicaSet, Rollout } from '../api/index.js';
import { MeasurementHistory } from './history.js';
import { toRolloutInfo } from './rollout-info.js';
import type { RolloutInfo } from './types.js';

/** The kinds a Rollout's view model is built from. */
export const INFO_KINDS = ['Rollout', 'ReplicaSet', 'Pod', 'AnalysisRun'] as const;
export type InfoKind = (typeof INFO_KINDS)[number];

export interface CacheEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

/**
 * A client-side mirror of the objects behind view models, fed by a list and then by watch events (the SSE stream),
 * as an informer does. Events older than what is held are ignored, so a list and a stream that overlap are safe.
 *
 * It also remembers the measurements of every AnalysisRun it has seen, so a metric whose run keeps only its last
 * few (`measurementRetention`, 10 by default, 2 for the judge) still charts everything seen since it was loaded.
 */
export class InfoCache {
  readonly #objects = new Map<string, KubeObject>();
  readonly #history = new MeasurementHistory();
  /** The highest resourceVersion seen; resume a stream from here. */
  resourceVersion = '0';

  /** Replaces everything of `kind` (optionally within one namespace) with a fresh list. */
  replace(kind: InfoKind, items: readonly KubeObject[], resourceVersion: string, namespace?: string): void {
    for (const [key, obj] of this.#objects) {
      if (obj.kind === kind && (namespace === undefined || obj.metadata.namespace === namespace)) {
        this.#objects.delete(key);
      }
    }
    for (const item of items) {
      const obj = { ...item, kind };
      this.#objects.set(keyOf(obj), obj);
      if (kind === 'AnalysisRun') this.#history.record(obj as AnalysisRun);
    }
    if (kind === 'AnalysisRun' && namespace === undefined) this.#history.keepOnly(items as AnalysisRun[]);
    this.#bump(resourceVersion);
  }

  /** Applies one watch event; returns true when it changed what is held. */
  apply(event: CacheEvent): boolean {
    const key = keyOf(event.object);
    const held = this.#objects.get(key);
    const rv = event.object.metadata.resourceVersion ?? '0';
    this.#bump(rv);
    if (held !== undefined && Number(held.metadata.resourceVersion ?? 0) >= Number(rv)) return false;
    if (event.type === 'DELETED') {
      this.#objects.delete(key);
      if (event.object.kind === 'AnalysisRun') this.#history.forget(event.object as AnalysisRun);
      return held !== undefined;
    }
    this.#objects.set(key, event.object);
    if (event.object.kind === 'AnalysisRun') this.#history.record(event.object as AnalysisRun);
    return true;
  }

  #bump(rv: string): void {
    if (Number(rv) > Number(this.resourceVersion)) this.resourceVersion = rv;
  }

  #ofKind<T extends KubeObject>(kind: InfoKind, namespace: string): T[] {
    const out: T[] = [];
    for (const obj of this.#objects.values()) {
      if (obj.kind === kind && (obj.metadata.namespace ?? '') === namespace) out.push(obj as T);
    }
    return out;
  }

  rollout(namespace: string, name: string): Rollout | undefined {
    return this.#objects.get(keyOf({ kind: 'Rollout', metadata: { namespace, name } })) as Rollout | undefined;
  }

  /** The view model of one Rollout at `now`; undefined when it is not (or no longer) there. */
  info(namespace: string, name: string, now: number): RolloutInfo | undefined {
    const ro = this.rollout(namespace, name);
    if (ro === undefined) return undefined;
    return toRolloutInfo(
      ro,
      this.#ofKind<ReplicaSet>('ReplicaSet', namespace),
      this.#ofKind<Pod>('Pod', namespace),
      this.#ofKind<AnalysisRun>('AnalysisRun', namespace).map((run) => this.#history.complete(run)),
      now,
    );
  }

  /** Every Rollout's view model, sorted by namespace and name. */
  infos(now: number): RolloutInfo[] {
    const out: RolloutInfo[] = [];
    for (const obj of this.#objects.values()) {
      if (obj.kind !== 'Rollout') continue;
      const info = this.info(obj.metadata.namespace ?? '', obj.metadata.name ?? '', now);
      if (info !== undefined) out.push(info);
    }
    return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }
}

function keyOf(obj: { kind: string; metadata: { namespace?: string; name?: string } }): string {
  return `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}
