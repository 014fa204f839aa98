import { describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../../api/index.js';
import { RESOURCE_KINDS } from '../../common/index.js';
import { planCollection, planOrphan, scopesOf } from './plan.js';

const scopes = scopesOf(RESOURCE_KINDS);

function obj(
  kind: string,
  name: string,
  uid: string,
  options: { namespace?: string; owners?: OwnerReference[]; terminating?: boolean } = {},
): KubeObject {
  const namespace = options.namespace ?? (kind === 'ClusterAnalysisTemplate' ? undefined : 'shop');
  return {
    apiVersion: 'v1',
    kind,
    metadata: {
      name,
      uid,
      resourceVersion: `rv-${uid}`,
      ...(namespace === undefined ? {} : { namespace }),
      ...(options.owners === undefined ? {} : { ownerReferences: options.owners }),
      ...(options.terminating === true ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
  };
}

function owner(kind: string, name: string, uid: string, controller = true): OwnerReference {
  return { apiVersion: 'v1', kind, name, uid, controller, blockOwnerDeletion: true };
}

const rollout = obj('Rollout', 'web', 'ro-1');
const rs = obj('ReplicaSet', 'web-abc', 'rs-1', { owners: [owner('Rollout', 'web', 'ro-1')] });
const pod = obj('Pod', 'web-abc-x', 'pod-1', { owners: [owner('ReplicaSet', 'web-abc', 'rs-1')] });
const service = obj('Service', 'web', 'svc-1');

const names = (objects: readonly KubeObject[]): string[] =>
  planCollection(objects, scopes).map((r) => `${r.kind}/${r.name}`);

describe('planCollection', () => {
  it.each<{ case: string; objects: KubeObject[]; collected: string[] }>([
    { case: 'every owner present', objects: [rollout, rs, pod, service], collected: [] },
    { case: 'objects without owner references are never collected', objects: [service, rollout], collected: [] },
    {
      case: 'a chain whose root is gone: only the first level goes now',
      objects: [rs, pod, service],
      collected: ['ReplicaSet/web-abc'],
    },
    {
      case: 'the pods go once their ReplicaSet is gone',
      objects: [pod, service],
      collected: ['Pod/web-abc-x'],
    },
    {
      case: 'an owner created again under the same name (new uid) owns nothing',
      objects: [obj('Rollout', 'web', 'ro-2'), rs],
      collected: ['ReplicaSet/web-abc'],
    },
    {
      case: 'an owner of the same uid in another namespace is no owner',
      objects: [obj('Rollout', 'web', 'ro-1', { namespace: 'other' }), rs],
      collected: ['ReplicaSet/web-abc'],
    },
    {
      case: 'an owner of another kind with the same name is no owner',
      objects: [obj('Service', 'web', 'ro-1'), rs],
      collected: ['ReplicaSet/web-abc'],
    },
    {
      case: 'several owners: kept while one remains',
      objects: [
        obj('Rollout', 'b', 'ro-b'),
        obj('Secret', 's', 'sec-1', { owners: [owner('Rollout', 'a', 'ro-a'), owner('Rollout', 'b', 'ro-b', false)] }),
      ],
      collected: [],
    },
    {
      case: 'several owners: collected when all are gone',
      objects: [
        obj('Secret', 's', 'sec-1', { owners: [owner('Rollout', 'a', 'ro-a'), owner('Rollout', 'b', 'ro-b', false)] }),
      ],
      collected: ['Secret/s'],
    },
    {
      case: 'a cluster-scoped owner owns namespaced dependents',
      objects: [
        obj('ClusterAnalysisTemplate', 'cat', 'cat-1'),
        obj('AnalysisRun', 'run', 'ar-1', { owners: [owner('ClusterAnalysisTemplate', 'cat', 'cat-1')] }),
      ],
      collected: [],
    },
    {
      case: 'a cluster-scoped owner that is gone',
      objects: [obj('AnalysisRun', 'run', 'ar-1', { owners: [owner('ClusterAnalysisTemplate', 'cat', 'cat-1')] })],
      collected: ['AnalysisRun/run'],
    },
    {
      case: 'an owner kind the collector does not know keeps its dependent',
      objects: [obj('ReplicaSet', 'd-1', 'rs-2', { owners: [owner('Deployment', 'd', 'dep-1')] })],
      collected: [],
    },
    {
      case: 'one unknown owner kind among absent owners keeps the dependent',
      objects: [
        obj('ReplicaSet', 'd-1', 'rs-2', { owners: [owner('Rollout', 'gone', 'x'), owner('Deployment', 'd', 'y')] }),
      ],
      collected: [],
    },
    {
      case: 'a cluster-scoped dependent naming a namespaced owner is kept (invalid reference)',
      objects: [obj('ClusterAnalysisTemplate', 'cat', 'cat-1', { owners: [owner('Rollout', 'web', 'ro-1')] })],
      collected: [],
    },
    {
      case: 'a terminating dependent is left to finish',
      objects: [obj('Pod', 'p', 'pod-2', { owners: [owner('ReplicaSet', 'gone', 'rs-9')], terminating: true })],
      collected: [],
    },
    {
      case: 'an empty ownerReferences list is no owner at all',
      objects: [obj('Pod', 'p', 'pod-3', { owners: [] })],
      collected: [],
    },
  ])('$case', ({ objects, collected }) => {
    expect(names(objects)).toEqual(collected);
  });

  it('names what to delete by uid, so a replacement created meanwhile is not deleted by mistake', () => {
    expect(planCollection([rs], scopes)).toEqual([
      { kind: 'ReplicaSet', namespace: 'shop', name: 'web-abc', uid: 'rs-1' },
    ]);
  });
});

describe('planOrphan', () => {
  const other = owner('Rollout', 'other', 'ro-9', false);

  it.each<{ case: string; objects: KubeObject[]; patches: { name: string; kept: string[] }[] }>([
    {
      case: 'the direct dependents lose the reference',
      objects: [rollout, rs, pod, service],
      patches: [{ name: 'web-abc', kept: [] }],
    },
    {
      case: 'other owners are kept',
      objects: [obj('ReplicaSet', 'web-abc', 'rs-1', { owners: [owner('Rollout', 'web', 'ro-1'), other] })],
      patches: [{ name: 'web-abc', kept: ['other'] }],
    },
    {
      case: 'a reference to an earlier owner of the same name (another uid) is not this owner',
      objects: [obj('ReplicaSet', 'old', 'rs-0', { owners: [owner('Rollout', 'web', 'ro-0')] })],
      patches: [],
    },
    {
      case: 'dependents in another namespace are not this owner',
      objects: [obj('ReplicaSet', 'x', 'rs-5', { namespace: 'other', owners: [owner('Rollout', 'web', 'ro-1')] })],
      patches: [],
    },
    { case: 'no dependents', objects: [rollout, service], patches: [] },
  ])('$case', ({ objects, patches }) => {
    const planned = planOrphan(rollout, objects, scopes);
    expect(planned.map((p) => ({ name: p.target.name, kept: p.ownerReferences.map((r) => r.name) }))).toEqual(patches);
  });

  it('carries the resourceVersion it planned from, for a write that fails if the dependent moved on', () => {
    expect(planOrphan(rollout, [rs], scopes)[0]?.resourceVersion).toBe('rv-rs-1');
  });

  it('a cluster-scoped owner orphans its dependents in every namespace', () => {
    const cat = obj('ClusterAnalysisTemplate', 'cat', 'cat-1');
    const runs = ['a', 'b'].map((ns) =>
      obj('AnalysisRun', 'run', `ar-${ns}`, {
        namespace: ns,
        owners: [owner('ClusterAnalysisTemplate', 'cat', 'cat-1')],
      }),
    );
    expect(planOrphan(cat, runs, scopes).map((p) => p.target.namespace)).toEqual(['a', 'b']);
  });
});
