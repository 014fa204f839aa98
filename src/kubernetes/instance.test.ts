import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../api/index.js';
import { MemoryStore, type ResourceStore, type WatchEvent } from '../store/index.js';
import { INSTANCE_ID_LABEL, withInstanceId } from './instance.js';

function rollout(name: string, instance?: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name,
      namespace: 'shop',
      ...(instance === undefined ? {} : { labels: { [INSTANCE_ID_LABEL]: instance } }),
    },
    spec: { replicas: 1 },
  };
}

describe('withInstanceId: the view one controller instance has (ADR 0003)', () => {
  let base: MemoryStore;
  let view: ResourceStore;
  beforeEach(() => {
    base = new MemoryStore();
    view = withInstanceId(base, 'kanary');
  });
  afterEach(async () => {
    await base.close();
  });

  it('lists and gets only Rollouts labelled with its instance id', async () => {
    await base.create(rollout('mine', 'kanary'));
    await base.create(rollout('argos'));
    await base.create(rollout('other-instance', 'blue'));
    expect((await view.list('Rollout')).items.map((o) => o.metadata.name)).toEqual(['mine']);
    expect(await view.get('Rollout', 'shop', 'argos')).toBeUndefined();
    expect((await view.get('Rollout', 'shop', 'mine'))?.metadata.name).toBe('mine');
  });

  it('labels the AnalysisRuns it creates, and passes other kinds through untouched', async () => {
    const run = await view.create<KubeObject>({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'r', namespace: 'shop' },
      spec: {},
    });
    expect(run.metadata.labels).toEqual({ [INSTANCE_ID_LABEL]: 'kanary' });
    const rs = await view.create<KubeObject>({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs', namespace: 'shop' },
      spec: {},
    });
    expect(rs.metadata.labels).toBeUndefined();
    await base.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'theirs', namespace: 'shop' },
      spec: {},
    });
    expect((await view.list('ReplicaSet')).items).toHaveLength(2);
  });

  it('watches only its Rollouts; one that loses the label is DELETED for the watcher, one that gains it appears', async () => {
    await view.list('Rollout');
    const events: WatchEvent[] = [];
    const stop = view.watch('Rollout', {}, (e) => events.push(e));
    const mine = await base.create(rollout('mine', 'kanary'));
    const argos = await base.create(rollout('argos'));
    await base.patch('Rollout', 'shop', 'argos', { spec: { replicas: 2 } });
    await base.patch('Rollout', 'shop', 'mine', { metadata: { labels: { [INSTANCE_ID_LABEL]: null } } });
    await base.patch('Rollout', 'shop', 'argos', { metadata: { labels: { [INSTANCE_ID_LABEL]: 'kanary' } } });
    await vi.waitFor(() => expect(events).toHaveLength(3));
    await new Promise((r) => setTimeout(r, 20));
    expect(events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`)).toEqual([
      'ADDED mine',
      'DELETED mine',
      'MODIFIED argos',
    ]);
    expect(mine.metadata.uid).not.toBe(argos.metadata.uid);
    stop();
  });
});
