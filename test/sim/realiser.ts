import type { Pod, ReplicaSet } from '../../src/api/index.js';
import type { Clock } from '../../src/controller/runtime/index.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/rollout/index.js';
import type { ResourceStore } from '../../src/store/index.js';

/**
 * The simulated kubelet and ReplicaSet controller: keeps as many Pods as each ReplicaSet asks for, marks a pod
 * ready `readyAfterMs` after its creation, and keeps the ReplicaSet's status counts. Templates can be "broken"
 * (their pods never become ready) and single pods can fail (not ready until they recover `readyAfterMs` later).
 */
export class PodRealiser {
  readonly #store: ResourceStore;
  readonly #clock: Clock;
  readyAfterMs: number;
  readonly #broken = new Set<string>();
  readonly #failedUntil = new Map<string, number>();
  #seq = 0;

  constructor(store: ResourceStore, clock: Clock, readyAfterMs: number) {
    this.#store = store;
    this.#clock = clock;
    this.readyAfterMs = readyAfterMs;
  }

  /** Pods of this pod-template hash never become ready (a bad image). */
  breakTemplate(hash: string): void {
    this.#broken.add(hash);
  }

  healTemplate(hash: string): void {
    this.#broken.delete(hash);
  }

  /** The pod stops being ready and recovers `readyAfterMs` later (a crash and restart). */
  failPod(name: string): void {
    this.#failedUntil.set(name, this.#clock.now() + this.readyAfterMs);
    this.#clock.setTimeout(() => undefined, this.readyAfterMs);
  }

  #shouldBeReady(pod: Pod): boolean {
    const hash = pod.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
    if (this.#broken.has(hash)) return false;
    const failed = this.#failedUntil.get(pod.metadata.name ?? '');
    if (failed !== undefined && this.#clock.now() < failed) return false;
    const created = Date.parse(pod.metadata.creationTimestamp ?? '');
    return this.#clock.now() >= created + this.readyAfterMs;
  }

  #newPod(rs: ReplicaSet): Pod {
    this.#seq++;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${rs.metadata.name ?? 'rs'}-p${this.#seq.toString(36)}`,
        namespace: rs.metadata.namespace ?? '',
        labels: { ...(rs.spec.template.metadata?.labels ?? {}) },
        annotations: { ...(rs.spec.template.metadata?.annotations ?? {}) },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs.metadata.name ?? '',
            uid: rs.metadata.uid ?? '',
            controller: true,
          },
        ],
      },
      spec: rs.spec.template.spec,
      status: { phase: 'Pending' },
    };
  }

  /** One pass over every ReplicaSet; true when it changed anything. */
  async sync(): Promise<boolean> {
    let changed = false;
    const replicaSets = (await this.#store.list<ReplicaSet>('ReplicaSet')).items;
    let pods = (await this.#store.list<Pod>('Pod')).items;
    const ownerOf = (p: Pod): string | undefined =>
      p.metadata.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name;
    for (const pod of pods) {
      if (!replicaSets.some((rs) => rs.metadata.name === ownerOf(pod))) {
        await this.#store.delete('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '');
        changed = true;
      }
    }
    for (const rs of replicaSets) {
      const ns = rs.metadata.namespace ?? '';
      let owned = pods.filter((p) => ownerOf(p) === rs.metadata.name);
      const want = rs.spec.replicas ?? 0;
      while (owned.length < want) {
        const pod = await this.#store.create(this.#newPod(rs));
        this.#clock.setTimeout(() => undefined, this.readyAfterMs);
        owned = [...owned, pod];
        pods = [...pods, pod];
        changed = true;
      }
      if (owned.length > want) {
        const order = [...owned].sort((a, b) => Number(this.#shouldBeReady(a)) - Number(this.#shouldBeReady(b)));
        for (const pod of order.slice(0, owned.length - want)) {
          await this.#store.delete('Pod', ns, pod.metadata.name ?? '');
          owned = owned.filter((p) => p !== pod);
        }
        changed = true;
      }
      let ready = 0;
      for (const pod of owned) {
        const shouldBe = this.#shouldBeReady(pod);
        if (shouldBe) ready++;
        const is = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
        if (is !== shouldBe) {
          const fresh = await this.#store.get<Pod>('Pod', ns, pod.metadata.name ?? '');
          if (!fresh) continue;
          const status = {
            phase: shouldBe ? 'Running' : 'Pending',
            conditions: [{ type: 'Ready', status: shouldBe ? 'True' : 'False' }],
          };
          await this.#store.updateStatus<Pod>({ ...fresh, status } as Pod);
          changed = true;
        }
      }
      const status = {
        replicas: owned.length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: rs.metadata.generation ?? 1,
      };
      const cur = rs.status ?? {};
      if (
        cur.replicas !== status.replicas ||
        cur.readyReplicas !== status.readyReplicas ||
        cur.availableReplicas !== status.availableReplicas
      ) {
        const fresh = await this.#store.get<ReplicaSet>('ReplicaSet', ns, rs.metadata.name ?? '');
        if (fresh) await this.#store.updateStatus<ReplicaSet>({ ...fresh, status });
        changed = true;
      }
    }
    return changed;
  }
}
