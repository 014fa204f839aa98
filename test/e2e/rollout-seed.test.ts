import { afterEach, describe, expect, it } from 'vitest';
import { Journey } from '../sim/dsl.js';
import { SEED_FAILURE_MESSAGE } from '../sim/fixtures.js';

/** The seed scenario (steps 25, pause, 50, 5m, 75, 5m; background analysis from step 2), success and failure. */
describe('rollout journeys: the seed scenario', () => {
  let j: Journey | undefined;
  afterEach(async () => {
    await j?.stop();
    j = undefined;
  });

  it('given the first deploy, it goes straight to stable and Healthy without steps', async () => {
    j = await Journey.given({ analysis: true });
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
    const pods = await j.world.podsOf(j.ns);
    expect(pods.map((p) => p.metadata.labels?.deployment)).toEqual(['stable']);
  });

  it('success path: set image, pause at 25, promote, 50 with analysis, 75, then Healthy on revision 2', async () => {
    j = await Journey.given({ analysis: true });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenPhase('Paused', 'CanaryPauseStep');
    await j.thenStep(1);
    await j.thenWeight(25);
    const canary = await j.canaryRS();
    expect(canary?.spec.replicas).toBe(1);
    expect((await j.stableRS())?.spec.replicas).toBe(1);
    expect(await j.selectorOf('sample-app-canary')).toBe((await j.status()).currentPodHash);
    const ing = await j.world.ingress(j.ns, 'sample-app-sample-app-canary');
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
    expect(runs[0]?.metadata.labels).toMatchObject({ 'rollout-type': 'Background' });
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
    const pods = await j.world.podsOf(j.ns);
    expect(pods.map((p) => p.metadata.labels?.deployment)).toEqual(['stable']);
    expect((await j.events('RolloutCompleted')).at(-1)?.message).toBe(
      `Rollout completed update to revision 2 (${s.stableRS ?? ''}): Completed all 6 canary steps`,
    );
  });

  it('failure path: the background run fails, the rollout aborts to weight 0, Degraded, canary down 30 s later', async () => {
    j = await Journey.given({ analysis: true });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenPromoted();
    await j.thenWeight(50);
    await j.whenTimePasses('1m');
    await j.whenBackgroundRunEnds('Failed', SEED_FAILURE_MESSAGE);
    await j.thenPhase(
      'Degraded',
      `RolloutAborted: Rollout aborted update to revision 2: Background analysis phase error/failed: ${SEED_FAILURE_MESSAGE}`,
    );
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
    expect((await j.events('RolloutAborted')).map((e) => e.message)).toEqual([
      `Rollout aborted update to revision 2: Background analysis phase error/failed: ${SEED_FAILURE_MESSAGE}`,
    ]);
  });
});
