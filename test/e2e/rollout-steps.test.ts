import { afterEach, describe, expect, it } from 'vitest';
import { Journey } from '../sim/dsl.js';

/** Step semantics: setWeight, pause, setCanaryScale, inline analysis, background analysis, canary metadata. */
describe('rollout journeys: steps', () => {
  let j: Journey | undefined;
  afterEach(async () => {
    await j?.stop();
    j = undefined;
  });

  it('a timed pause completes by itself once its duration has passed, not before', async () => {
    j = await Journey.given({
      steps: [{ setWeight: 20 }, { pause: { duration: '30s' } }, { setWeight: 60 }, { pause: {} }],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenStep(1);
    await j.thenPhase('Paused', 'CanaryPauseStep');
    await j.whenTimePasses('29s');
    await j.thenStep(1);
    await j.whenTimePasses('2s');
    await j.thenStep(3);
    await j.thenWeight(60);
    expect((await j.events('RolloutStepCompleted')).map((e) => e.message)).toEqual([
      'Rollout step 1/4 completed (setWeight: 20)',
      'Rollout step 2/4 completed (pause: 30s)',
      'Rollout step 3/4 completed (setWeight: 60)',
    ]);
  });

  it('never sends weight to a canary without an available pod, and holds the previous weight until pods are up', async () => {
    j = await Journey.given({
      replicas: 4,
      steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }],
    });
    await j.whenImageSet('2.0.0');
    await j.thenWeight(0);
    expect((await j.canaryRS())?.spec.replicas).toBe(1);
    await j.thenPhase('Progressing', 'more replicas need to be updated');
    await j.whenPodsBecomeReady();
    await j.thenWeight(25);
    await j.whenPromoted();
    // step 2 wants 2 canary pods: the second is not ready yet, so 25 is held.
    await j.thenStep(2);
    expect((await j.canaryRS())?.spec.replicas).toBe(2);
    await j.thenWeight(25);
    await j.whenPodsBecomeReady();
    await j.thenWeight(50);
    await j.thenStep(3);
  });

  it('sizes the canary at ceil(replicas x weight / 100) while stable stays at full size', async () => {
    j = await Journey.given({
      replicas: 10,
      steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 33 }, { pause: {} }],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    expect((await j.canaryRS())?.spec.replicas).toBe(3);
    expect((await j.stableRS())?.spec.replicas).toBe(10);
    await j.whenPromoted();
    await j.whenPodsBecomeReady();
    expect((await j.canaryRS())?.spec.replicas).toBe(4);
    await j.thenWeight(33);
  });

  it('setCanaryScale decouples the canary size from the weight until matchTrafficWeight', async () => {
    j = await Journey.given({
      replicas: 10,
      steps: [
        { setCanaryScale: { replicas: 1 } },
        { setWeight: 40 },
        { pause: {} },
        { setCanaryScale: { weight: 60 } },
        { pause: {} },
        { setCanaryScale: { matchTrafficWeight: true } },
        { pause: {} },
      ],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenStep(2);
    expect((await j.canaryRS())?.spec.replicas).toBe(1);
    await j.thenWeight(40);
    await j.whenPromoted();
    await j.whenPodsBecomeReady();
    await j.thenStep(4);
    expect((await j.canaryRS())?.spec.replicas).toBe(6);
    await j.whenPromoted();
    await j.whenPodsBecomeReady();
    await j.thenStep(6);
    expect((await j.canaryRS())?.spec.replicas).toBe(4);
    expect((await j.events('RolloutStepCompleted')).map((e) => e.message)).toContain(
      'Rollout step 4/7 completed (setCanaryScale{weight: 60})',
    );
  });

  it('with no steps, an update is promoted as soon as the new ReplicaSet is available', async () => {
    j = await Journey.given({ replicas: 2, steps: [] });
    await j.whenImageSet('2.0.0');
    await j.thenPhase('Progressing');
    await j.whenPodsBecomeReady();
    await j.thenPhase('Healthy', '');
    const s = await j.status();
    expect((await j.events('RolloutCompleted')).at(-1)?.message).toBe(
      `Rollout completed update to revision 2 (${s.currentPodHash ?? ''}): Completed all 0 canary steps`,
    );
  });

  it('an inline analysis step creates a step run and advances when it succeeds', async () => {
    j = await Journey.given({
      withTemplate: true,
      steps: [
        { setWeight: 30 },
        { analysis: { templates: [{ templateName: 'sample-app' }] } },
        { setWeight: 60 },
        { pause: {} },
      ],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenStep(1);
    const [run] = await j.liveRuns();
    const hash = (await j.status()).currentPodHash ?? '';
    expect(run?.metadata.name).toBe(`sample-app-${hash}-2-1`);
    expect(run?.metadata.labels).toMatchObject({
      'rollout-type': 'Step',
      'step-index': '1',
      'rollouts-pod-template-hash': hash,
    });
    expect(run?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Rollout', name: 'sample-app' });
    expect(run?.spec.metrics.map((m) => m.name)).toEqual(['success-share']);
    await j.thenPhase('Progressing', 'waiting for all steps to complete');
    await j.whenStepRunEnds('Successful');
    await j.thenStep(3);
    await j.thenWeight(60);
  });

  it('a failed analysis step aborts with the step-based prefix', async () => {
    j = await Journey.given({
      withTemplate: true,
      steps: [{ setWeight: 30 }, { analysis: { templates: [{ templateName: 'sample-app' }] } }],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenStepRunEnds(
      'Error',
      'Metric "success-share" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4)',
    );
    await j.thenPhase(
      'Degraded',
      'RolloutAborted: Rollout aborted update to revision 2: Step-based analysis phase error/failed: Metric "success-share" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4)',
    );
    await j.thenWeight(0);
  });

  it('an inconclusive step run pauses with InconclusiveAnalysisRun and promote moves on', async () => {
    j = await Journey.given({
      withTemplate: true,
      steps: [
        { setWeight: 30 },
        { analysis: { templates: [{ templateName: 'sample-app' }] } },
        { setWeight: 60 },
        { pause: {} },
      ],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenStepRunEnds(
      'Inconclusive',
      'Metric "success-share" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)',
    );
    await j.thenPhase('Paused', 'InconclusiveAnalysisRun');
    await j.thenStep(1);
    await j.whenTimePasses('10m');
    await j.thenStep(1);
    await j.whenPromoted();
    await j.thenStep(3);
    await j.thenWeight(60);
  });

  it('an inconclusive background run pauses, halts scaling, and after promote a new background run starts', async () => {
    j = await Journey.given({ analysis: true });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenPromoted();
    const first = await j.whenBackgroundRunEnds(
      'Inconclusive',
      'Metric "success-share" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)',
    );
    // The 5m pause step was already paused: its condition comes first, the inconclusive one joins it.
    expect((await j.status()).pauseConditions?.map((c) => c.reason)).toEqual([
      'CanaryPauseStep',
      'InconclusiveAnalysisRun',
    ]);
    await j.thenPhase('Paused', 'CanaryPauseStep');
    await j.whenTimePasses('6m');
    await j.thenStep(3);
    await j.whenPromoted();
    const live = await j.liveRuns();
    expect(live.map((r) => r.metadata.name)).toEqual([`${first}.1`]);
    await j.thenPhase('Paused', 'CanaryPauseStep');
  });

  it('background analysis starts only at startingStep', async () => {
    j = await Journey.given({ analysis: true });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenStep(1);
    expect(await j.runs()).toHaveLength(0);
    await j.whenPromoted();
    expect(await j.liveRuns()).toHaveLength(1);
  });

  it('puts canaryMetadata on canary pods and swaps it for stableMetadata at promotion', async () => {
    j = await Journey.given({ steps: [{ setWeight: 50 }, { pause: {} }] });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    const byHash = async (): Promise<Record<string, string | undefined>> =>
      Object.fromEntries(
        (await j!.world.podsOf(j!.ns)).map((p) => [
          p.metadata.labels?.['rollouts-pod-template-hash'] ?? '',
          p.metadata.labels?.deployment,
        ]),
      );
    const s = await j.status();
    expect(await byHash()).toEqual({ [s.stableRS ?? '']: 'stable', [s.currentPodHash ?? '']: 'canary' });
    await j.whenPromoted();
    await j.thenPhase('Healthy');
    const after = await byHash();
    expect(after[s.currentPodHash ?? '']).toBe('stable');
    expect((await j.canaryRS())?.spec.template.metadata?.labels?.deployment).toBe('stable');
  });

  it('does not raise the weight while the stable pods cannot carry the rest of the traffic', async () => {
    j = await Journey.given({
      replicas: 2,
      steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 75 }, { pause: {} }],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenWeight(25);
    const stableHash = (await j.status()).stableRS ?? '';
    j.world.pods.breakTemplate(stableHash);
    for (const pod of await j.world.podsOf(j.ns)) {
      if (pod.metadata.labels?.['rollouts-pod-template-hash'] === stableHash)
        j.world.pods.failPod(pod.metadata.name ?? '');
    }
    await j.whenPromoted();
    await j.whenPodsBecomeReady();
    await j.thenStep(2);
    await j.thenWeight(25);
    j.world.pods.healTemplate(stableHash);
    await j.whenPodsBecomeReady();
    await j.thenWeight(75);
    await j.thenStep(3);
  });
});
