import { describe, expect, it } from 'vitest';
import type { ReplicaSet, Rollout } from '../api/index.js';
import { reconcile } from './reconcile.js';
import type { Observed } from './types.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function rollout(status?: Rollout['status']): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'ns', uid: 'u1', generation: 1 },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
      strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } },
    },
    ...(status ? { status } : {}),
  };
}

const empty: Observed = {
  replicaSets: [],
  pods: [],
  services: [],
  ingresses: [],
  analysisRuns: [],
  analysisTemplates: [],
  clusterAnalysisTemplates: [],
};

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.freeze(v);
    for (const c of Object.values(v)) deepFreeze(c);
  }
  return v;
}

describe('reconcile (pure)', () => {
  it('first deploy: creates the ReplicaSet at full size, goes straight to stable, records the revision', () => {
    const r = reconcile(deepFreeze(rollout()), deepFreeze(empty), NOW);
    const create = r.actions.find((a) => a.type === 'create');
    const rs = create?.type === 'create' ? (create.object as ReplicaSet) : undefined;
    expect(rs?.metadata.name).toBe(`web-${r.status.currentPodHash ?? ''}`);
    expect(rs?.spec.replicas).toBe(2);
    expect(rs?.metadata.annotations?.['rollout.argoproj.io/revision']).toBe('1');
    expect(rs?.spec.selector.matchLabels).toEqual({
      app: 'web',
      'rollouts-pod-template-hash': r.status.currentPodHash,
    });
    expect(r.status.stableRS).toBe(r.status.currentPodHash);
    expect(r.status.currentStepIndex).toBe(2);
    expect(r.status.phase).toBe('Progressing');
    expect(r.actions).toContainEqual({
      type: 'patch',
      kind: 'Rollout',
      name: 'web',
      patch: { metadata: { annotations: { 'rollout.argoproj.io/revision': '1' } } },
    });
  });

  it('is deterministic and converges: once the world matches, a pass changes nothing', () => {
    const first = reconcile(rollout(), empty, NOW);
    expect(reconcile(rollout(), empty, NOW)).toEqual(first);
    const create = first.actions.find((a) => a.type === 'create');
    const rs = structuredClone((create?.type === 'create' ? create.object : undefined) as ReplicaSet);
    rs.status = { replicas: 2, readyReplicas: 2, availableReplicas: 2 };
    const ro = {
      ...rollout(first.status),
      metadata: { ...rollout().metadata, annotations: { 'rollout.argoproj.io/revision': '1' } },
    };
    const second = reconcile(ro, { ...empty, replicaSets: [rs] }, NOW + 5000);
    expect(second.status.phase).toBe('Healthy');
    const third = reconcile({ ...ro, status: second.status }, { ...empty, replicaSets: [rs] }, NOW + 10_000);
    expect(third.actions).toEqual([]);
    expect(third.status).toEqual(second.status);
  });

  it('a Rollout without a canary strategy is InvalidSpec and gets no actions', () => {
    const ro = rollout();
    const r = reconcile({ ...ro, spec: { ...ro.spec, strategy: { blueGreen: {} } } }, empty, NOW);
    expect(r.actions).toEqual([]);
    expect(r.status.phase).toBe('Degraded');
    expect(r.status.message).toMatch(
      /^InvalidSpec: spec.strategy.blueGreen: the blueGreen strategy is not supported yet/,
    );
  });

  it('ignores ReplicaSets and AnalysisRuns another Rollout owns', () => {
    const first = reconcile(rollout(), empty, NOW);
    const create = first.actions.find((a) => a.type === 'create');
    const rs = structuredClone((create?.type === 'create' ? create.object : undefined) as ReplicaSet);
    rs.metadata.name = 'other-x';
    rs.metadata.ownerReferences = [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'other', uid: 'u2', controller: true },
    ];
    rs.status = { replicas: 2, readyReplicas: 2, availableReplicas: 2 };
    const again = reconcile(rollout(), { ...empty, replicaSets: [rs] }, NOW);
    expect(again.actions.flatMap((a) => (a.type === 'create' ? [a.object.metadata.name] : []))).toEqual([
      `web-${again.status.currentPodHash ?? ''}`,
    ]);
    expect(again.actions.some((a) => a.type === 'patch' && a.name === 'other-x')).toBe(false);
  });
});
