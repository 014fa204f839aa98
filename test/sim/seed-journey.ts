import { afterEach, describe, expect, it } from 'vitest';
import type { Journey } from './dsl.js';
import { SEED_FAILURE_MESSAGE } from './fixtures.js';
import type { JourneyWorld } from './journey-world.js';

/** How a world runs the seed journey: how it starts, and what it checks beyond what every world checks. */
export interface SeedJourneyWorld<W extends JourneyWorld> {
  /** A fresh world per case, the seed objects laid out with background analysis, revision 1 deployed. */
  given(): Promise<Journey<W>>;
  /** Labels this world puts on the background AnalysisRun besides `rollout-type` (Kubernetes: the instance id). */
  backgroundRunLabels?: Record<string, string>;
  /** More checks once the success path has ended Healthy on revision 2 (and the old stable is scaled down). */
  afterSuccess?(j: Journey<W>): Promise<void>;
}

const ABORT_MESSAGE = `Rollout aborted update to revision 2: Background analysis phase error/failed: ${SEED_FAILURE_MESSAGE}`;

/**
 * The seed scenario (setWeight 25, pause, 50, pause 5m, 75, pause 5m; background analysis from step 2) as one
 * journey that every world runs: the first deploy, the success path and the failure path, with the same steps and
 * the same assertions wherever the controller runs.
 */
export function describeSeedJourney<W extends JourneyWorld>(title: string, world: SeedJourneyWorld<W>): void {
  describe(title, () => {
    let j: Journey<W> | undefined;
    afterEach(async () => {
      await j?.stop();
      j = undefined;
    });

    it('given the first deploy, it goes straight to stable and Healthy without steps', async () => {
      j = await world.given();
      const s = await j.status();
      expect(s.phase).toBe('Healthy');
      expect(s.stableRS).toBe(s.currentPodHash);
      expect(s.currentStepIndex).toBe(6);
      expect(await j.runs()).toHaveLength(0);
      expect((await j.events('RolloutCompleted')).map((e) => e.message)).toEqual([
        `Rollout completed update to revision 1 (${s.stableRS ?? ''}): Initial deploy`,
      ]);
      expect(await j.selectorOf('sample-app')).toBe(s.stableRS);
      expect(await j.selectorOf('sample-app-canary')).toBe(s.stableRS);
      expect(await podDeployments(j)).toEqual(['stable']);
    });

    it('success path: set image, pause at 25, promote, 50 with analysis, 75, then Healthy on revision 2', async () => {
      j = await world.given();
      expect((await j.status()).phase).toBe('Healthy');
      expect(await podDeployments(j)).toEqual(['stable']);

      await j.whenImageSet('2.0.0');
      await j.whenPodsBecomeReady();
      await j.thenPhase('Paused', 'CanaryPauseStep');
      await j.thenStep(1);
      await j.thenWeight(25);
      expect((await j.canaryRS())?.spec.replicas).toBe(1);
      expect((await j.stableRS())?.spec.replicas).toBe(1);
      expect(await j.selectorOf('sample-app-canary')).toBe((await j.status()).currentPodHash);
      const ing = await j.ingress('sample-app-sample-app-canary');
      expect(ing?.metadata.annotations).toMatchObject({
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': '25',
        'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
      });
      expect(ing?.spec?.rules?.[0]?.http?.paths[0]?.backend.service?.name).toBe('sample-app-canary');
      expect(await j.runs()).toHaveLength(0);

      await j.whenPromoted();
      await j.thenStep(3);
      await j.thenWeight(50);
      await j.thenPhase('Paused', 'CanaryPauseStep');
      const runs = await j.liveRuns();
      expect(runs.map((r) => r.metadata.name)).toEqual([`sample-app-${(await j.status()).currentPodHash ?? ''}-2`]);
      expect(runs[0]?.metadata.labels).toMatchObject({ 'rollout-type': 'Background', ...world.backgroundRunLabels });
      expect(runs[0]?.metadata.annotations).toMatchObject({ 'rollout.argoproj.io/revision': '2' });

      await j.whenTimePasses('5m');
      await j.thenStep(5);
      await j.thenWeight(75);
      await j.whenTimePasses('5m');
      await j.thenPhase('Healthy', '');
      const s = await j.status();
      expect(s.stableRS).toBe(s.currentPodHash);
      await j.thenWeight(0);
      expect(await j.selectorOf('sample-app')).toBe(s.stableRS);
      expect(await j.selectorOf('sample-app-canary')).toBe(s.stableRS);
      const bg = (await j.runs())[0];
      expect(bg?.spec.terminate).toBe(true);
      expect(bg?.status?.phase).toBe('Successful');
      // The old stable waits scaleDownDelaySeconds (30 s) before it is scaled down.
      expect((await j.replicaSetOfRevision(1)).spec.replicas).toBe(1);
      await j.whenTimePasses('31s');
      expect((await j.replicaSetOfRevision(1)).spec.replicas).toBe(0);
      expect(await podDeployments(j)).toEqual(['stable']);
      expect((await j.events('RolloutCompleted')).at(-1)?.message).toBe(
        `Rollout completed update to revision 2 (${s.stableRS ?? ''}): Completed all 6 canary steps`,
      );
      await world.afterSuccess?.(j);
    });

    it('failure path: the background run fails, the rollout aborts to weight 0, Degraded, canary down 30 s later', async () => {
      j = await world.given();
      await j.whenImageSet('2.0.0');
      await j.whenPodsBecomeReady();
      await j.whenPromoted();
      await j.thenWeight(50);
      await j.whenTimePasses('1m');
      await j.whenBackgroundRunEnds('Failed', SEED_FAILURE_MESSAGE);
      await j.thenPhase('Degraded', `RolloutAborted: ${ABORT_MESSAGE}`);
      await j.thenWeight(0);
      await j.thenStep(0);
      const s = await j.status();
      expect(s.abort).toBe(true);
      expect(await j.selectorOf('sample-app-canary')).toBe(s.stableRS);
      expect((await j.canaryRS())?.spec.replicas).toBe(1);
      await j.whenTimePasses('29s');
      expect((await j.canaryRS())?.spec.replicas).toBe(1);
      await j.whenTimePasses('2s');
      expect((await j.canaryRS())?.spec.replicas).toBe(0);
      await j.thenPhase('Degraded');
      expect((await j.events('RolloutAborted')).map((e) => e.message)).toEqual([ABORT_MESSAGE]);
    });
  });
}

/** The `deployment` label (stable or canary) of every pod, as the seed's metadata gives it. */
async function podDeployments(j: Journey<JourneyWorld>): Promise<(string | undefined)[]> {
  return (await j.pods()).map((p) => p.metadata.labels?.deployment);
}
