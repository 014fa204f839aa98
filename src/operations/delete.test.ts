import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/index.js';
import { kindByName, KanaryError } from '../common/index.js';
import type { ResourceKind } from '../common/index.js';
import { MemoryStore } from '../store/index.js';
import { deleteObject, parsePropagationPolicy } from './delete.js';

const NS = 'shop';
let store: MemoryStore;
beforeEach(() => {
  store = new MemoryStore();
});
afterEach(async () => store.close());

function kind(name: string): ResourceKind {
  const k = kindByName(name);
  if (k === undefined) throw new Error(name);
  return k;
}

async function create(k: string, name: string, owners: KubeObject[] = [], namespace = NS): Promise<KubeObject> {
  return store.create({
    apiVersion: 'v1',
    kind: k,
    metadata: {
      name,
      namespace,
      ...(owners.length === 0
        ? {}
        : {
            ownerReferences: owners.map((o) => ({
              apiVersion: o.apiVersion,
              kind: o.kind,
              name: o.metadata.name ?? '',
              uid: o.metadata.uid ?? '',
              controller: true,
            })),
          }),
    },
  });
}

describe('parsePropagationPolicy', () => {
  it.each([
    [undefined, 'Background'],
    ['', 'Background'],
    ['orphan', 'Orphan'],
    ['Orphan', 'Orphan'],
    ['FOREGROUND', 'Foreground'],
    ['background', 'Background'],
  ])('%j -> %s', (text, policy) => {
    expect(parsePropagationPolicy(text)).toBe(policy);
  });

  it('names the value and the choices', () => {
    expect(() => parsePropagationPolicy('cascade')).toThrow(/"cascade".*Background, Foreground, Orphan/);
  });
});

describe('deleteObject', () => {
  it('Orphan removes the reference from direct dependents only, keeping their other owners', async () => {
    const rollout = await create('Rollout', 'web');
    const other = await create('Rollout', 'other');
    const rs = await create('ReplicaSet', 'web-1', [rollout]);
    await create('Pod', 'web-1-a', [rs]);
    await create('Secret', 'shared', [rollout, other]);
    await create('ReplicaSet', 'elsewhere', [rollout], 'other-ns');

    const result = await deleteObject(store, kind('Rollout'), NS, 'web', 'Orphan');

    expect(result.orphaned.map((r) => `${r.kind}/${r.name}`).sort()).toEqual(['ReplicaSet/web-1', 'Secret/shared']);
    expect(await store.get('Rollout', NS, 'web')).toBeUndefined();
    expect((await store.get('ReplicaSet', NS, 'web-1'))?.metadata.ownerReferences).toBeUndefined();
    expect((await store.get('Secret', NS, 'shared'))?.metadata.ownerReferences?.map((o) => o.name)).toEqual(['other']);
    expect((await store.get('Pod', NS, 'web-1-a'))?.metadata.ownerReferences?.map((o) => o.name)).toEqual(['web-1']);
    // Not a dependent: an owner reference only counts in the owner's namespace.
    expect((await store.get('ReplicaSet', 'other-ns', 'elsewhere'))?.metadata.ownerReferences).toHaveLength(1);
  });

  it.each(['Background', 'Foreground'] as const)(
    '%s deletes the object and leaves dependents to the collector',
    async (policy) => {
      const rollout = await create('Rollout', 'web');
      await create('ReplicaSet', 'web-1', [rollout]);
      const result = await deleteObject(store, kind('Rollout'), NS, 'web', policy);
      expect(result.orphaned).toEqual([]);
      expect(await store.get('Rollout', NS, 'web')).toBeUndefined();
      expect((await store.get('ReplicaSet', NS, 'web-1'))?.metadata.ownerReferences).toHaveLength(1);
    },
  );

  it('Orphan of a missing object is NOT_FOUND and touches nothing', async () => {
    const err = await deleteObject(store, kind('Rollout'), NS, 'nope', 'Orphan').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KanaryError);
    expect((err as KanaryError).code).toBe('NOT_FOUND');
    expect((err as KanaryError).message).toContain('"nope"');
  });
});
