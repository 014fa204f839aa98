import { afterEach, describe, expect, it } from 'vitest';
import { Journey } from '../sim/dsl.js';
import { NAME, NS, seedRollout } from '../sim/fixtures.js';

/** Revisions and lifecycle: v1 -> v2 -> v3, back to stable, step changes, history, delays, deadlines, pods. */
describe('rollout journeys: revisions and lifecycle', () => {
  let j: Journey | undefined;
  afterEach(async () => {
    await j?.stop();
    j = undefined;
  });

  it('a new template mid-rollout (v1 -> v2 -> v3) restarts the steps, scales v2 down at once and terminates its runs', async () => {
    j = await Journey.given({ analysis: true });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenPromoted();
    const v2 = await j.canaryRS();
    expect(await j.liveRuns()).toHaveLength(1);
    await j.whenImageSet('3.0.0');
    await j.thenStep(0);
    await j.thenWeight(0);
    expect((await j.replicaSetOfRevision(2)).spec.replicas).toBe(0);
    expect(v2?.metadata.name).toBe((await j.replicaSetOfRevision(2)).metadata.name);
    expect(await j.liveRuns()).toHaveLength(0);
    expect((await j.stableRS())?.spec.replicas).toBe(1);
    await j.whenPodsBecomeReady();
    await j.thenStep(1);
    await j.thenWeight(25);
    expect((await j.events('RolloutUpdated')).map((e) => e.message)).toEqual([
      'Rollout updated to revision 1',
      'Rollout updated to revision 2',
      'Rollout updated to revision 3',
    ]);
  });

  it('going back to the stable template mid-update skips every step and is Healthy at once', async () => {
    j = await Journey.given({});
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenImageSet('1.0.0');
    await j.thenPhase('Healthy', '');
    await j.thenStep(6);
    await j.thenWeight(0);
    expect((await j.replicaSetOfRevision(2)).spec.replicas).toBe(0);
    expect((await j.events('SkipSteps')).map((e) => e.message)).toEqual(['Rollback to stable ReplicaSets']);
  });

  it('a change to the steps alone restarts at step 0', async () => {
    j = await Journey.given({});
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenPromoted();
    await j.thenStep(3);
    const ro = seedRollout({ tag: '2.0.0', steps: [{ setWeight: 10 }, { pause: {} }] });
    await j.world.apply(ro);
    await j.world.settle();
    await j.whenPodsBecomeReady();
    await j.thenStep(1);
    await j.thenWeight(10);
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', async () => {
    j = await Journey.given({ steps: [], spec: { revisionHistoryLimit: 1 } });
    for (const tag of ['2', '3', '4']) {
      await j.whenImageSet(tag);
      await j.whenPodsBecomeReady();
      await j.whenTimePasses('31s');
    }
    const revisions = (await j.replicaSets()).map((rs) => rs.metadata.annotations?.['rollout.argoproj.io/revision']);
    expect(revisions).toEqual(['3', '4']);
  });

  it('honours scaleDownDelaySeconds for the old stable', async () => {
    j = await Journey.given({ steps: [{ setWeight: 50 }], canary: { scaleDownDelaySeconds: 120 } });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenPhase('Healthy', '');
    const old = await j.replicaSetOfRevision(1);
    expect(old.spec.replicas).toBe(1);
    expect(old.metadata.annotations?.['scale-down-deadline']).toBeDefined();
    await j.whenTimePasses('119s');
    expect((await j.replicaSetOfRevision(1)).spec.replicas).toBe(1);
    await j.whenTimePasses('2s');
    expect((await j.replicaSetOfRevision(1)).spec.replicas).toBe(0);
  });

  it('abortScaleDownDelaySeconds 0 never scales the aborted canary down', async () => {
    j = await Journey.given({ canary: { abortScaleDownDelaySeconds: 0 } });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenAborted();
    await j.whenTimePasses('10m');
    expect((await j.canaryRS())?.spec.replicas).toBe(1);
    await j.thenWeight(0);
  });

  it('a canary that never becomes ready exceeds progressDeadlineSeconds: Degraded ProgressDeadlineExceeded', async () => {
    j = await Journey.given({ spec: { progressDeadlineSeconds: 60 } });
    await j.whenImageSet('2.0.0');
    j.world.pods.breakTemplate((await j.status()).currentPodHash ?? '');
    await j.whenTimePasses('59s');
    await j.thenPhase('Progressing');
    await j.whenTimePasses('2s');
    const rs = await j.canaryRS();
    await j.thenPhase(
      'Degraded',
      `ProgressDeadlineExceeded: ReplicaSet "${rs?.metadata.name ?? ''}" has timed out progressing.`,
    );
    await j.thenWeight(0);
    // progress resumes once the pods come up
    j.world.pods.healTemplate((await j.status()).currentPodHash ?? '');
    await j.whenTimePasses('1s');
    await j.thenPhase('Paused', 'CanaryPauseStep');
  });

  it('with progressDeadlineAbort the rollout also aborts when the deadline passes', async () => {
    j = await Journey.given({ spec: { progressDeadlineSeconds: 60, progressDeadlineAbort: true } });
    await j.whenImageSet('2.0.0');
    j.world.pods.breakTemplate((await j.status()).currentPodHash ?? '');
    await j.whenTimePasses('2m');
    const s = await j.status();
    expect(s.abort).toBe(true);
    expect(s.message).toMatch(
      /^RolloutAborted: Rollout aborted update to revision 2: ReplicaSet ".*" has timed out progressing\.$/,
    );
  });

  it('pause steps do not count against the progress deadline', async () => {
    j = await Journey.given({ spec: { progressDeadlineSeconds: 60 } });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenTimePasses('10m');
    await j.thenPhase('Paused', 'CanaryPauseStep');
  });

  it('when the canary pods crash the weight drops to 0, and returns once they recover', async () => {
    j = await Journey.given({});
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenWeight(25);
    await j.whenCanaryPodsFail();
    await j.thenWeight(0);
    await j.whenPodsBecomeReady();
    await j.thenWeight(25);
  });

  it('basic canary (no traffic routing) splits the pods by weight and promotes', async () => {
    j = await Journey.given({ replicas: 4, trafficRouting: false, steps: [{ setWeight: 50 }, { pause: {} }] });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenPhase('Paused', 'CanaryPauseStep');
    expect((await j.canaryRS())?.spec.replicas).toBe(2);
    expect((await j.stableRS())?.spec.replicas).toBe(2);
    expect(await j.weight()).toBeUndefined();
    await j.whenPromoted();
    await j.whenPodsBecomeReady();
    await j.thenPhase('Healthy', '');
    expect((await j.replicaSetOfRevision(1)).spec.replicas).toBe(0);
  });

  it('the canary Ingress carries prefixed additional annotations, canaryIngressAnnotations and canary-weight-total', async () => {
    j = await Journey.given({
      canary: {
        trafficRouting: {
          maxTrafficWeight: 1000,
          nginx: {
            stableIngress: 'sample-app',
            annotationPrefix: 'custom.nginx.org',
            additionalIngressAnnotations: { 'canary-by-header': 'X-Canary', 'canary-by-header-value': 'yes' },
            canaryIngressAnnotations: { 'example.com/owner': 'team-a' },
          },
        },
        steps: [{ setWeight: 250 }, { pause: {} }],
      },
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    const ing = await j.world.ingress(NS, 'sample-app-sample-app-canary');
    expect(ing?.metadata.annotations).toEqual({
      'custom.nginx.org/canary': 'true',
      'custom.nginx.org/canary-weight': '250',
      'custom.nginx.org/canary-weight-total': '1000',
      'custom.nginx.org/canary-by-header': 'X-Canary',
      'custom.nginx.org/canary-by-header-value': 'yes',
      'example.com/owner': 'team-a',
    });
    expect(ing?.spec?.ingressClassName).toBe('nginx');
    expect(ing?.metadata.ownerReferences?.[0]?.name).toBe(NAME);
  });

  it('a missing AnalysisTemplate is InvalidSpec (Degraded) until it is created', async () => {
    j = await Journey.given({ analysis: true, noTemplate: true, noWait: true });
    await j.thenPhase(
      'Degraded',
      'InvalidSpec: AnalysisTemplate "sample-app" not found: create it or fix the templateName',
    );
    expect(await j.replicaSets()).toHaveLength(0);
    await j.world.apply((await import('../sim/fixtures.js')).successShareTemplate());
    await j.whenPodsBecomeReady();
    await j.thenPhase('Healthy', '');
  });

  it('a new image after an abort starts a fresh update from step 0', async () => {
    j = await Journey.given({});
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenAborted();
    await j.thenPhase('Degraded');
    await j.whenImageSet('3.0.0');
    await j.whenPodsBecomeReady();
    await j.thenPhase('Paused', 'CanaryPauseStep');
    await j.thenWeight(25);
    expect((await j.status()).abort).toBe(false);
  });

  it('undo while aborted goes back to the stable template: Healthy, canary gone after its delay', async () => {
    j = await Journey.given({});
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenAborted();
    await j.whenUndone();
    await j.thenPhase('Healthy', '');
    await j.thenWeight(0);
    // the aborted canary keeps its scale-down deadline
    await j.whenTimePasses('31s');
    expect((await j.replicaSetOfRevision(2)).spec.replicas).toBe(0);
  });
});
