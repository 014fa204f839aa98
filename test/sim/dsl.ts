import { expect } from 'vitest';
import type {
  AnalysisPhase,
  AnalysisRun,
  Ingress,
  KubeObject,
  Pod,
  ReplicaSet,
  RolloutStatus,
} from '../../src/api/index.js';
import { parseDuration } from '../../src/api/index.js';
import * as ops from '../../src/operations/index.js';
import { POD_TEMPLATE_HASH_LABEL, ROLLOUT_TYPE_LABEL, revisionOf } from '../../src/rollout/index.js';
import {
  IMAGE,
  NAME,
  NS,
  seedRollout,
  service,
  stableIngress,
  successShareTemplate,
  type RolloutKnobs,
} from './fixtures.js';
import type { JourneyWorld } from './journey-world.js';
import {
  analysisRunsOf,
  applyObject,
  eventsOf,
  ingressOf,
  podsOf,
  readRollout,
  replicaSetsOf,
  serviceOf,
  type SimEvent,
} from './read.js';
import { World, type WorldOptions } from './world.js';

/** How `given` lays out the seed objects; `Journey.given` also takes the simulated world's options. */
export interface SeedOptions extends RolloutKnobs {
  /** Stop before the first deploy is ready (default: wait until revision 1 is Healthy). */
  noWait?: boolean;
  /** Leave out the AnalysisTemplate even though analysis is referenced. */
  noTemplate?: boolean;
  /** Create the seed's AnalysisTemplate even without background analysis (for analysis steps). */
  withTemplate?: boolean;
  /** More objects to create before the Rollout (templates, ...). */
  objects?: KubeObject[];
}

export interface GivenOptions extends SeedOptions, WorldOptions {}

/**
 * The Given/When/Then language of the rollout journeys: one seed-shaped Rollout (`sample-app/sample-app`) in a
 * world (by default the in-memory simulation; any JourneyWorld, such as the controller behind a Kubernetes API
 * server). `given` deploys revision 1; `when*` act as a user, the clock, the pods or the analysis controller would;
 * the readers return what `then` assertions check.
 */
export class Journey<W extends JourneyWorld = World> {
  readonly world: W;
  readonly ns = NS;
  readonly name = NAME;

  private constructor(world: W) {
    this.world = world;
  }

  /** Given the seed objects in a new simulated world, revision 1 deployed. */
  static async given(options: GivenOptions = {}): Promise<Journey> {
    return Journey.givenIn(await World.start(options), options);
  }

  /** Given the seed objects in `world` (which the journey then owns and stops), revision 1 deployed. */
  static async givenIn<W extends JourneyWorld>(world: W, options: SeedOptions = {}): Promise<Journey<W>> {
    const apply = (obj: KubeObject): Promise<KubeObject> => applyObject(world.store, obj);
    try {
      await apply(service('sample-app'));
      await apply(service('sample-app-canary'));
      await apply(stableIngress());
      if ((options.analysis === true || options.withTemplate === true) && options.noTemplate !== true)
        await apply(successShareTemplate());
      for (const obj of options.objects ?? []) await apply(obj);
      await apply(seedRollout(options));
      if (options.noWait === true) await world.settle();
      else await world.advance(world.pods.readyAfterMs + 1);
    } catch (err) {
      // No journey to stop yet: do not leave a world (servers, watches) running behind a failed given.
      await world.stop();
      throw err;
    }
    return new Journey(world);
  }

  async stop(): Promise<void> {
    await this.world.stop();
  }

  // ---- when ----

  async whenImageSet(tag: string): Promise<void> {
    await ops.setImage(this.world.store, NS, NAME, 'sample-app', `${IMAGE}:${tag}`);
    await this.world.settle();
  }

  async whenPromoted(full = false): Promise<void> {
    await ops.promote(this.world.store, NS, NAME, { full });
    await this.world.settle();
  }

  async whenAborted(): Promise<void> {
    await ops.abort(this.world.store, NS, NAME);
    await this.world.settle();
  }

  async whenRetried(): Promise<void> {
    await ops.retry(this.world.store, NS, NAME);
    await this.world.settle();
  }

  async whenPaused(): Promise<void> {
    await ops.pause(this.world.store, NS, NAME);
    await this.world.settle();
  }

  async whenResumed(): Promise<void> {
    await ops.resume(this.world.store, NS, NAME);
    await this.world.settle();
  }

  async whenUndone(toRevision?: number): Promise<void> {
    await ops.undo(this.world.store, NS, NAME, toRevision === undefined ? {} : { toRevision });
    await this.world.settle();
  }

  async whenRestarted(inMs?: number): Promise<void> {
    await ops.restart(this.world.store, NS, NAME, {
      now: this.world.clock.now(),
      ...(inMs === undefined ? {} : { inMs }),
    });
    await this.world.settle();
  }

  /** Time passes: milliseconds or a duration such as "5m". */
  async whenTimePasses(d: number | string): Promise<void> {
    await this.world.advance(typeof d === 'number' ? d : parseDuration(d));
  }

  /** Lets the pods that exist become ready. */
  async whenPodsBecomeReady(): Promise<void> {
    await this.world.advance(this.world.pods.readyAfterMs + 1);
  }

  async whenRunEnds(kind: 'Background' | 'Step', phase: AnalysisPhase, message?: string): Promise<string> {
    const run = (await this.liveRuns()).find((r) => r.metadata.labels?.[ROLLOUT_TYPE_LABEL] === kind);
    if (!run) throw new Error(`no live ${kind} AnalysisRun`);
    const name = run.metadata.name ?? '';
    await this.world.analysis.setPhase(NS, name, phase, message);
    await this.world.settle();
    return name;
  }

  async whenBackgroundRunEnds(phase: AnalysisPhase, message?: string): Promise<string> {
    return this.whenRunEnds('Background', phase, message);
  }

  async whenStepRunEnds(phase: AnalysisPhase, message?: string): Promise<string> {
    return this.whenRunEnds('Step', phase, message);
  }

  /** Every pod of the current canary crashes (and recovers after the ready delay). */
  async whenCanaryPodsFail(): Promise<void> {
    const hash = (await this.status()).currentPodHash ?? '';
    for (const pod of await this.pods()) {
      if (pod.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash) this.world.pods.failPod(pod.metadata.name ?? '');
    }
    await this.world.settle();
  }

  // ---- readers for then ----

  async status(): Promise<RolloutStatus> {
    return (await readRollout(this.world.store, NS, NAME)).status ?? {};
  }

  /** The canary Ingress weight, or undefined when there is no canary Ingress. */
  async weight(): Promise<number | undefined> {
    const ing = await this.ingress('sample-app-sample-app-canary');
    const w = ing?.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'];
    return w === undefined ? undefined : Number(w);
  }

  async ingress(name: string): Promise<Ingress | undefined> {
    return ingressOf(this.world.store, NS, name);
  }

  /** Oldest revision first. */
  async replicaSets(): Promise<ReplicaSet[]> {
    return replicaSetsOf(this.world.store, NS);
  }

  async replicaSetOfRevision(revision: number): Promise<ReplicaSet> {
    const rs = (await this.replicaSets()).find((r) => revisionOf(r) === revision);
    if (!rs) throw new Error(`no ReplicaSet of revision ${revision}`);
    return rs;
  }

  async canaryRS(): Promise<ReplicaSet | undefined> {
    const hash = (await this.status()).currentPodHash;
    return (await this.replicaSets()).find((r) => r.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash);
  }

  async stableRS(): Promise<ReplicaSet | undefined> {
    const hash = (await this.status()).stableRS;
    return (await this.replicaSets()).find((r) => r.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash);
  }

  async selectorOf(serviceName: string): Promise<string | undefined> {
    return (await serviceOf(this.world.store, NS, serviceName))?.spec?.selector?.[POD_TEMPLATE_HASH_LABEL];
  }

  async pods(): Promise<Pod[]> {
    return podsOf(this.world.store, NS);
  }

  /** Oldest first. */
  async runs(): Promise<AnalysisRun[]> {
    return analysisRunsOf(this.world.store, NS);
  }

  async liveRuns(): Promise<AnalysisRun[]> {
    return (await this.runs()).filter((r) => r.spec.terminate !== true && (r.status?.phase ?? 'Pending') === 'Running');
  }

  async events(reason?: string): Promise<SimEvent[]> {
    const all = await eventsOf(this.world.store, NS);
    return reason === undefined ? all : all.filter((e) => e.reason === reason);
  }

  // ---- then ----

  async thenPhase(phase: string, message?: string): Promise<void> {
    const s = await this.status();
    expect({ phase: s.phase, message: s.message }).toEqual({ phase, message: message ?? s.message });
  }

  async thenStep(index: number): Promise<void> {
    expect((await this.status()).currentStepIndex).toBe(index);
  }

  async thenWeight(weight: number): Promise<void> {
    expect(await this.weight()).toBe(weight);
  }
}
