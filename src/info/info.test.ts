import { describe, expect, it } from 'vitest';
import { firstNumber, humanDuration, phaseOf, thresholdsOf, toRolloutInfo } from './index.js';
import { NOW, cluster, type Scenario } from './testdata.js';

function infoOf(s: Scenario): ReturnType<typeof toRolloutInfo> {
  const c = cluster(s);
  return toRolloutInfo(c.rollout, c.replicaSets, c.pods, c.analysisRuns, NOW);
}

describe('toRolloutInfo', () => {
  it('marks the stable and canary ReplicaSets and tags their images', () => {
    const info = infoOf('Paused');
    const [rev2, rev1] = info.revisions;
    expect(rev2?.revision).toBe(2);
    expect(rev2?.current).toBe(true);
    expect(rev2?.replicaSets[0]?.markers).toEqual(['canary']);
    expect(rev1?.stable).toBe(true);
    expect(rev1?.replicaSets[0]?.markers).toEqual(['stable']);
    expect(info.images).toEqual([
      { image: 'ghcr.io/example/sample-app:1.0.0', tags: ['stable'] },
      { image: 'ghcr.io/example/sample-app:2.0.0', tags: ['canary'] },
    ]);
  });

  it.each([
    ['Healthy', '6/6', 100, 100],
    ['Progressing', '2/6', 50, 25],
    ['Paused', '1/6', 25, 25],
    ['Degraded', '0/6', 0, 0],
  ] as const)('%s: step %s, set weight %d, actual weight %d', (s, step, setWeight, actual) => {
    const info = infoOf(s);
    expect([info.status, info.step, info.setWeight, info.actualWeight]).toEqual([s, step, setWeight, actual]);
  });

  it('marks the current step and the ones done', () => {
    const states = infoOf('Progressing').steps.map((s) => `${s.text}:${s.state}`);
    expect(states).toEqual([
      'setWeight: 25:done',
      'pause:done',
      'setWeight: 50:current',
      'pause: 5m:pending',
      'setWeight: 75:pending',
      'pause: 30s:pending',
    ]);
  });

  it('enables the actions the phase allows', () => {
    expect(infoOf('Paused').actions).toMatchObject({ promote: true, abort: true, retry: false });
    expect(infoOf('Degraded').actions).toMatchObject({ promote: false, abort: false, retry: true });
    expect(infoOf('Healthy').actions).toMatchObject({ promote: false, abort: false, retry: false, restart: true });
  });

  it('gives analysis metrics their measurements and thresholds', () => {
    const run = infoOf('Degraded').revisions[0]?.analysisRuns[0];
    expect(run?.status).toBe('Failed');
    expect([run?.successful, run?.failed]).toEqual([2, 1]);
    const metric = run?.metrics[0];
    expect(metric?.measurements.map((m) => m.number)).toEqual([1, 0.995, 0.42]);
    expect(metric?.thresholds).toEqual([{ kind: 'success', operator: '>=', value: 0.99 }]);
  });

  it('ignores objects another Rollout owns', () => {
    const c = cluster('Paused');
    const other = structuredClone(c.replicaSets[0]!);
    other.metadata.name = 'other-abc';
    other.metadata.ownerReferences = [{ apiVersion: 'x', kind: 'Rollout', name: 'other', uid: 'u9' }];
    const info = toRolloutInfo(c.rollout, [...c.replicaSets, other], c.pods, [], NOW);
    expect(info.revisions.flatMap((r) => r.replicaSets.map((rs) => rs.name))).not.toContain('other-abc');
  });

  it('says Progressing while the controller has not seen the new spec', () => {
    const c = cluster('Healthy');
    c.rollout.metadata.generation = 3;
    expect(phaseOf(c.rollout)).toEqual({
      phase: 'Progressing',
      message: 'waiting for rollout spec update to be observed',
    });
  });
});

describe('humanDuration', () => {
  it.each([
    [-5, '0s'],
    [0, '0s'],
    [119, '119s'],
    [120, '2m'],
    [290, '4m50s'],
    [600, '10m'],
    [3600, '60m'],
    [3 * 3600 + 300, '3h5m'],
    [10 * 3600, '10h'],
    [3 * 86400 + 3600, '3d1h'],
    [30 * 86400, '30d'],
    [3 * 365 * 86400, '3y'],
  ])('%d s is %s', (s, text) => {
    expect(humanDuration(s)).toBe(text);
  });
});

describe('thresholdsOf', () => {
  it.each([
    ['result[0] >= 0.99', [{ kind: 'success', operator: '>=', value: 0.99 }]],
    ['len(result) == 0 || result[0] >= 0.99', [{ kind: 'success', operator: '>=', value: 0.99 }]],
    ['result < 500', [{ kind: 'success', operator: '<', value: 500 }]],
    ['0.5 < result', [{ kind: 'success', operator: '>', value: 0.5 }]],
    ['result.x > 1', []],
    [undefined, []],
  ])('%s', (cond, expected) => {
    expect(thresholdsOf(cond, 'success')).toEqual(expected);
  });

  it.each([
    ['[0.5]', 0.5],
    ['12', 12],
    ['[]', undefined],
    [undefined, undefined],
  ])('first number of %s', (v, n) => {
    expect(firstNumber(v)).toBe(n);
  });
});

describe('InfoCache', () => {
  it('builds the same view model as toRolloutInfo and follows events in version order', async () => {
    const { InfoCache } = await import('./index.js');
    const c = cluster('Paused');
    const cache = new InfoCache();
    const stamp = <T extends { metadata: { resourceVersion?: string } }>(o: T, rv: number): T => ({
      ...o,
      metadata: { ...o.metadata, resourceVersion: String(rv) },
    });
    cache.replace('Rollout', [stamp(c.rollout, 5)], '10');
    cache.replace(
      'ReplicaSet',
      c.replicaSets.map((r) => stamp(r, 6)),
      '10',
    );
    cache.replace(
      'Pod',
      c.pods.map((p) => stamp(p, 7)),
      '10',
    );
    cache.replace('AnalysisRun', [], '10');
    expect(cache.info('demo', 'sample-app', NOW)?.step).toBe('1/6');
    const promoted = stamp(structuredClone(c.rollout), 11);
    promoted.status = { ...promoted.status, currentStepIndex: 2, phase: 'Progressing', pauseConditions: [] };
    expect(cache.apply({ type: 'MODIFIED', object: promoted })).toBe(true);
    expect(cache.apply({ type: 'MODIFIED', object: stamp(c.rollout, 9) })).toBe(false);
    expect(cache.info('demo', 'sample-app', NOW)?.step).toBe('2/6');
    expect(cache.resourceVersion).toBe('11');
    cache.apply({ type: 'DELETED', object: stamp(c.rollout, 12) });
    expect(cache.infos(NOW)).toEqual([]);
  });
});
