import { afterEach, describe, expect, it } from 'vitest';
import { KanaryError } from '../../src/common/index.js';
import * as ops from '../../src/operations/index.js';
import { Journey } from '../sim/dsl.js';
import { NAME, NS } from '../sim/fixtures.js';

/** The operations a user runs: abort, retry, promote, promote --full, pause/resume, undo, restart, set image. */
describe('rollout journeys: operations', () => {
  let j: Journey | undefined;
  afterEach(async () => {
    await j?.stop();
    j = undefined;
  });

  it('abort: weight 0 at once, canary Service back to stable, step 0, Degraded, runs terminated', async () => {
    j = await Journey.given({ analysis: true });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenPromoted();
    await j.whenAborted();
    await j.thenPhase('Degraded', 'RolloutAborted: Rollout aborted update to revision 2');
    await j.thenWeight(0);
    await j.thenStep(0);
    const s = await j.status();
    expect(await j.selectorOf('sample-app-canary')).toBe(s.stableRS);
    expect(await j.liveRuns()).toHaveLength(0);
    expect((await j.runs()).every((r) => r.spec.terminate === true)).toBe(true);
    expect(s.pauseConditions).toEqual([]);
  });

  it('abort stays until retry; retry restarts at step 0 with a fresh background run and can then succeed', async () => {
    j = await Journey.given({ analysis: true });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenPromoted();
    const first = await j.whenBackgroundRunEnds(
      'Failed',
      'Metric "success-share" assessed Failed due to failed (1) > failureLimit (0)',
    );
    await j.whenTimePasses('31s');
    expect((await j.canaryRS())?.spec.replicas).toBe(0);
    await j.whenTimePasses('10m');
    await j.thenPhase('Degraded');
    await j.whenRetried();
    const cond = (await j.status()).conditions?.find((c) => c.type === 'Progressing');
    expect(cond?.reason === 'RolloutRetry' || cond?.reason === 'ReplicaSetUpdated').toBe(true);
    await j.whenPodsBecomeReady();
    await j.thenStep(1);
    await j.thenWeight(25);
    expect((await j.canaryRS())?.spec.replicas).toBe(1);
    await j.whenPromoted();
    expect((await j.liveRuns()).map((r) => r.metadata.name)).toEqual([`${first}.1`]);
    await j.whenTimePasses('11m');
    await j.thenPhase('Healthy', '');
  });

  it('promote without a pause skips the current step and cancels its analysis', async () => {
    j = await Journey.given({
      withTemplate: true,
      steps: [{ setWeight: 30 }, { analysis: { templates: [{ templateName: 'sample-app' }] } }, { pause: {} }],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenStep(1);
    expect(await j.liveRuns()).toHaveLength(1);
    await j.whenPromoted();
    await j.thenStep(2);
    expect(await j.liveRuns()).toHaveLength(0);
    await j.thenPhase('Paused', 'CanaryPauseStep');
  });

  it('promote --full skips every remaining step and analysis, then completes with "Full promotion requested"', async () => {
    j = await Journey.given({ analysis: true, replicas: 2 });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.thenWeight(25);
    await j.whenPromoted(true);
    // the weight is held until the canary is scaled up and available
    await j.thenWeight(25);
    expect((await j.canaryRS())?.spec.replicas).toBe(2);
    await j.whenPodsBecomeReady();
    await j.thenPhase('Healthy', '');
    expect(await j.runs()).toHaveLength(0);
    const s = await j.status();
    expect((await j.events('RolloutCompleted')).at(-1)?.message).toBe(
      `Rollout completed update to revision 2 (${s.currentPodHash ?? ''}): Full promotion requested`,
    );
  });

  it('pause holds everything (manually paused), resume continues', async () => {
    j = await Journey.given({
      steps: [{ setWeight: 20 }, { pause: { duration: '1m' } }, { setWeight: 40 }, { pause: {} }],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenPaused();
    await j.thenPhase('Paused', 'manually paused');
    await j.whenTimePasses('5m');
    await j.thenStep(1);
    await j.whenResumed();
    await j.thenStep(3);
    await j.thenWeight(40);
  });

  it('promote on a manually paused rollout unpauses it', async () => {
    j = await Journey.given({
      steps: [{ setWeight: 20 }, { pause: { duration: '1m' } }, { setWeight: 40 }, { pause: {} }],
    });
    await j.whenImageSet('2.0.0');
    await j.whenPaused();
    await j.whenPromoted();
    expect((await j.world.rollout(NS, NAME)).spec.paused).toBe(false);
    await j.whenPodsBecomeReady();
    await j.thenStep(1);
  });

  it('undo goes back to the previous revision, reusing its ReplicaSet as a new revision, and runs the steps again', async () => {
    j = await Journey.given({ steps: [{ setWeight: 50 }, { pause: {} }] });
    const v1 = (await j.status()).stableRS;
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenPromoted();
    await j.thenPhase('Healthy');
    await j.whenTimePasses('31s');
    await j.whenUndone();
    const s = await j.status();
    expect(s.currentPodHash).toBe(v1);
    await j.thenStep(0);
    const reused = (await j.replicaSets()).find((rs) => rs.metadata.labels?.['rollouts-pod-template-hash'] === v1);
    expect(reused?.metadata.annotations?.['rollout.argoproj.io/revision']).toBe('3');
    expect((await j.replicaSets()).length).toBe(2);
    await j.whenPodsBecomeReady();
    await j.thenPhase('Paused', 'CanaryPauseStep');
  });

  it('undo --to-revision picks that revision; an unknown one is NOT_FOUND naming the known revisions', async () => {
    j = await Journey.given({ steps: [] });
    const v1 = (await j.status()).stableRS;
    await j.whenImageSet('2.0.0');
    await j.whenPodsBecomeReady();
    await j.whenImageSet('3.0.0');
    await j.whenPodsBecomeReady();
    await j.whenUndone(1);
    await j.whenPodsBecomeReady();
    const s = await j.status();
    expect(s.currentPodHash).toBe(v1);
    expect(s.stableRS).toBe(v1);
    await expect(ops.undo(j.world.store, NS, NAME, { toRevision: 9 })).rejects.toThrow(/known revisions are 2, 3, 4/);
  });

  it('set image of an unknown container or rollout fails with NOT_FOUND and says what exists', async () => {
    j = await Journey.given({});
    await expect(ops.setImage(j.world.store, NS, NAME, 'nope', 'x:1')).rejects.toThrow(/containers are sample-app/);
    const err = await ops.abort(j.world.store, NS, 'missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KanaryError);
    expect((err as KanaryError).code).toBe('NOT_FOUND');
  });

  it('set image with * changes every container', async () => {
    j = await Journey.given({});
    const ro = await ops.setImage(j.world.store, NS, NAME, '*', 'busybox:2');
    expect(ro.spec.template?.spec.containers.map((c) => c.image)).toEqual(['busybox:2']);
  });

  it('restart evicts every older pod, Progressing "rollout is restarting" until done, then restartedAt is set', async () => {
    j = await Journey.given({ replicas: 3, steps: [] });
    const before = (await j.world.podsOf(NS)).map((p) => p.metadata.name).sort();
    await j.whenTimePasses('1s');
    await j.whenRestarted();
    await j.thenPhase('Progressing', 'rollout is restarting');
    for (let i = 0; i < 5; i++) await j.whenTimePasses('31s');
    const after = (await j.world.podsOf(NS)).map((p) => p.metadata.name).sort();
    expect(after).toHaveLength(3);
    expect(after.some((n) => before.includes(n))).toBe(false);
    const ro = await j.world.rollout(NS, NAME);
    expect(ro.status?.restartedAt).toBe(ro.spec.restartAt);
    await j.thenPhase('Healthy', '');
  });

  it('abort after the update completed changes nothing', async () => {
    j = await Journey.given({});
    await j.whenAborted();
    await j.thenPhase('Healthy', '');
    expect((await j.status()).abort).toBe(false);
  });
});
