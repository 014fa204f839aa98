import { afterEach, describe, expect, it } from 'vitest';
import type { AnalysisTemplate, ClusterAnalysisTemplate } from '../../src/api/index.js';
import { Journey } from '../sim/dsl.js';
import { NS, successShareTemplate } from '../sim/fixtures.js';

/** Less common knobs: minPodsPerReplicaSet, delay revision limit, run history, rollback window, args, cluster templates. */
describe('rollout journeys: features', () => {
  let j: Journey | undefined;
  afterEach(async () => {
    await j?.stop();
    j = undefined;
  });

  it('minPodsPerReplicaSet raises a small canary', async () => {
    j = await Journey.given({
      replicas: 10,
      canary: { minPodsPerReplicaSet: 3 },
      steps: [{ setWeight: 10 }, { pause: {} }],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    expect((await j.canaryRS())?.spec.replicas).toBe(3);
    await j.thenWeight(10);
  });

  it('scaleDownDelayRevisionLimit bounds how many old ReplicaSets wait on their delay', async () => {
    j = await Journey.given({ steps: [], canary: { scaleDownDelaySeconds: 600, scaleDownDelayRevisionLimit: 1 } });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenImageSet('3.0.0');
    await j.whenPodsBecomeReady();
    const replicas = (await j.replicaSets()).map((rs) => rs.spec.replicas);
    // revision 1 is over the limit and goes at once; revision 2 waits its 10 minutes
    expect(replicas).toEqual([0, 1, 1]);
  });

  it('keeps only the configured number of completed AnalysisRuns', async () => {
    j = await Journey.given({
      analysis: true,
      spec: { analysis: { unsuccessfulRunHistoryLimit: 1, successfulRunHistoryLimit: 1 } },
    });
    for (const tag of ['2', '3', '4']) {
      await j.whenImageSet(tag);
      await j.whenPodsBecomeReady();
      await j.whenPromoted();
      await j.whenBackgroundRunEnds(
        'Failed',
        'Metric "success-share" assessed Failed due to failed (1) > failureLimit (0)',
      );
    }
    const failed = (await j.runs()).filter((r) => r.status?.phase === 'Failed');
    // the newest is kept because the status still names it, plus one more by the limit
    expect(failed).toHaveLength(2);
    expect(failed.map((r) => r.metadata.name)).toContain(
      (await j.status()).canary?.currentBackgroundAnalysisRunStatus?.name,
    );
  });

  it('an undo inside rollbackWindow skips the steps and the analysis', async () => {
    j = await Journey.given({ analysis: true, spec: { rollbackWindow: { revisions: 2 } } });
    await j.whenTimePasses('1s');
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenPromoted(true);
    await j.whenPodsBecomeReady();
    await j.thenPhase('Healthy');
    await j.whenTimePasses('1m');
    await j.whenUndone();
    await j.whenPodsBecomeReady();
    await j.thenPhase('Healthy', '');
    expect(await j.liveRuns()).toHaveLength(0);
    expect((await j.events('RolloutCompleted')).at(-1)?.message).toMatch(/: Rollback within window$/);
  });

  it('resolves rollout args (value, podTemplateHashValue, fieldRef) into the run and reads ClusterAnalysisTemplates', async () => {
    const shared: ClusterAnalysisTemplate = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ClusterAnalysisTemplate',
      metadata: { name: 'shared' },
      spec: {
        args: [{ name: 'hash' }, { name: 'who' }, { name: 'svc' }, { name: 'fixed', value: 'x' }],
        metrics: successShareTemplate().spec.metrics ?? [],
      },
    };
    j = await Journey.given({
      objects: [shared],
      steps: [
        { setWeight: 20 },
        {
          analysis: {
            templates: [{ templateName: 'shared', clusterScope: true }],
            args: [
              { name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } },
              { name: 'who', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'svc', value: 'sample-app-canary' },
            ],
          },
        },
      ],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    const [run] = await j.liveRuns();
    expect(run?.spec.args).toEqual([
      { name: 'hash', value: (await j.status()).currentPodHash },
      { name: 'who', value: 'sample-app' },
      { name: 'svc', value: 'sample-app-canary' },
      { name: 'fixed', value: 'x' },
    ]);
  });

  it('an unresolved arg makes the spec invalid with args.<name> was not resolved', async () => {
    const template: AnalysisTemplate = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'needs-arg', namespace: NS },
      spec: { args: [{ name: 'service-name' }], metrics: successShareTemplate().spec.metrics ?? [] },
    };
    j = await Journey.given({
      objects: [template],
      steps: [{ setWeight: 20 }, { analysis: { templates: [{ templateName: 'needs-arg' }] } }],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenPhase('Degraded', 'InvalidSpec: args.service-name was not resolved');
    expect(await j.runs()).toHaveLength(0);
  });

  it('emits Argo events through the whole seed path', async () => {
    j = await Journey.given({});
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenPromoted();
    await j.whenTimePasses('11m');
    const reasons = new Set((await j.events()).map((e) => e.reason));
    for (const r of [
      'RolloutUpdated',
      'NewReplicaSetCreated',
      'ScalingReplicaSet',
      'RolloutStepCompleted',
      'RolloutPaused',
      'RolloutResumed',
      'RolloutCompleted',
      'TrafficWeightUpdated',
    ]) {
      expect(reasons).toContain(r);
    }
    expect((await j.events('ScalingReplicaSet')).map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^Scaled down ReplicaSet sample-app-\w+ \(revision 1\) from 1 to 0$/),
    );
  });
});
