import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/meta.js';
import { KanaryError } from '../../common/index.js';
import { MemoryStore } from '../../store/index.js';
import { FakeClock, settle } from './clock.js';
import { Controller, type ReconcileReport, type ReconcileResult } from './controller.js';
import { Informer } from './informer.js';
import { controllerOwnerKeys, keyOf, objectKey, parseKey } from './keys.js';

const obj = (kind: string, name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: 'default', ...extra },
});

describe('keys', () => {
  it.each([
    ['default', 'web', 'default/web'],
    ['', 'cluster-thing', 'cluster-thing'],
  ])('keyOf(%j, %j) is %j and parseKey inverts it', (namespace, name, key) => {
    expect(keyOf(namespace, name)).toBe(key);
    expect(parseKey(key)).toEqual({ namespace, name });
  });

  it('maps an owned object to its controlling owner of the kind only', () => {
    const rs = obj('ReplicaSet', 'web-abc', {
      ownerReferences: [
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web', uid: '1', controller: true },
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'not-controller', uid: '2' },
        { apiVersion: 'v1', kind: 'Other', name: 'x', uid: '3', controller: true },
      ],
    });
    expect(controllerOwnerKeys('Rollout')(rs)).toEqual(['default/web']);
    expect(objectKey(rs)).toBe('default/web-abc');
  });
});

describe('Controller', () => {
  let store: MemoryStore;
  let clock: FakeClock;
  let informers: Informer[];
  let controllers: Controller[];
  let passes: { key: string; at: number }[];
  let reports: ReconcileReport[];

  beforeEach(() => {
    store = new MemoryStore();
    clock = new FakeClock();
    informers = [];
    controllers = [];
    passes = [];
    reports = [];
  });
  afterEach(async () => {
    for (const c of controllers) await c.stop();
    for (const i of informers) i.stop();
    await store.close();
  });

  function informer(kind: string): Informer {
    const i = new Informer({ store, kind, clock });
    informers.push(i);
    return i;
  }

  function controller(
    reconcile: (key: string) => Promise<ReconcileResult | undefined>,
    options: { workers?: number; conflictRetries?: number } = {},
  ): Controller {
    const c = new Controller({
      name: 'test',
      clock,
      reconcile: (key) => {
        passes.push({ key, at: clock.now() });
        return reconcile(key);
      },
      onReconcile: (r) => reports.push(r),
      baseDelayMs: 10,
      ...options,
    });
    controllers.push(c);
    return c;
  }

  it('reconciles every existing object after the informers sync, and every changed one again', async () => {
    await store.create(obj('Widget', 'a'));
    await store.create(obj('Widget', 'b'));
    const c = controller(() => Promise.resolve(undefined)).watches(informer('Widget'));
    await c.start();
    await c.waitIdle();
    expect(passes.map((p) => p.key).sort()).toEqual(['default/a', 'default/b']);
    await store.patch('Widget', 'default', 'b', { metadata: { labels: { x: 'y' } } });
    await store.delete('Widget', 'default', 'a');
    await c.waitIdle();
    expect(
      passes
        .map((p) => p.key)
        .slice(2)
        .sort(),
    ).toEqual(['default/a', 'default/b']);
    expect(reports.every((r) => r.outcome === 'success' && r.controller === 'test')).toBe(true);
  });

  it('maps owned objects to their owner key', async () => {
    const c = controller(() => Promise.resolve(undefined))
      .watches(informer('Rollout'))
      .watches(informer('ReplicaSet'), controllerOwnerKeys('Rollout'));
    await c.start();
    await store.create(
      obj('ReplicaSet', 'web-123', {
        ownerReferences: [
          { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web', uid: 'u', controller: true },
        ],
      }),
    );
    await c.waitIdle();
    expect(passes.map((p) => p.key)).toEqual(['default/web']);
  });

  it('never runs two passes on one key at once, and re-runs a key changed during its pass', async () => {
    const active = new Set<string>();
    let overlaps = 0;
    const c = controller(
      async (key) => {
        if (active.has(key)) overlaps++;
        active.add(key);
        // Changes arrive while the pass is in flight.
        if (passes.filter((p) => p.key === key).length === 1) c.enqueue(key);
        await settle(2);
        active.delete(key);
        return undefined;
      },
      { workers: 4 },
    );
    await c.start();
    for (const k of ['x', 'y', 'x', 'z', 'y', 'x']) c.enqueue(`default/${k}`);
    await c.waitIdle();
    expect(overlaps).toBe(0);
    const count = (k: string): number => passes.filter((p) => p.key === `default/${k}`).length;
    expect([count('x'), count('y'), count('z')]).toEqual([2, 2, 2]);
  });

  it('runs a key again after requeueAfterMs, not before', async () => {
    const c = controller(() => Promise.resolve(passes.length === 1 ? { requeueAfterMs: 1000 } : undefined));
    await c.start();
    c.enqueue('default/a');
    await c.waitIdle();
    await clock.advanceAsync(999);
    expect(passes).toHaveLength(1);
    await clock.advanceAsync(1);
    await c.waitIdle();
    expect(passes.map((p) => p.at)).toEqual([0, 1000]);
    await clock.advanceAsync(10_000);
    expect(passes).toHaveLength(2);
  });

  it('retries a failing key with exponential backoff, and starts over after a success', async () => {
    let failuresLeft = 3;
    const c = controller(() => {
      if (failuresLeft-- > 0) return Promise.reject(new Error('boom'));
      return Promise.resolve(undefined);
    });
    await c.start();
    c.enqueue('default/a');
    await clock.advanceAsync(1000);
    expect(passes.map((p) => p.at)).toEqual([0, 10, 30, 70]);
    expect(reports.map((r) => r.outcome)).toEqual(['error', 'error', 'error', 'success']);
    expect(reports[0]?.error?.message).toBe('boom');
    expect(c.queue.failures('default/a')).toBe(0);
  });

  it('runs a pass that asks for backoff again after the growing backoff, reporting success, until it stops asking', async () => {
    let clashesLeft = 3;
    const c = controller(() => Promise.resolve(clashesLeft-- > 0 ? { backoff: true } : undefined));
    await c.start();
    c.enqueue('default/a');
    await clock.advanceAsync(1000);
    expect(passes.map((p) => p.at)).toEqual([0, 10, 30, 70]);
    expect(reports.map((r) => r.outcome)).toEqual(['success', 'success', 'success', 'success']);
    expect(c.queue.failures('default/a')).toBe(0);
  });

  it('retries CONFLICT at once up to the limit, then with backoff', async () => {
    let conflictsLeft = 4;
    const c = controller(
      () => {
        if (conflictsLeft-- > 0) return Promise.reject(new KanaryError('CONFLICT', 'moved on'));
        return Promise.resolve(undefined);
      },
      { conflictRetries: 2 },
    );
    await c.start();
    c.enqueue('default/a');
    await c.waitIdle();
    expect(passes.map((p) => p.at)).toEqual([0, 0, 0]);
    await clock.advanceAsync(100);
    expect(passes.map((p) => p.at)).toEqual([0, 0, 0, 10, 10]);
    expect(reports.map((r) => r.outcome)).toEqual(['conflict', 'conflict', 'error', 'conflict', 'success']);
  });

  it('stop waits for the pass in flight and takes no more keys', async () => {
    let release: () => void = () => undefined;
    let finished = false;
    const c = controller(async () => {
      await new Promise<void>((r) => (release = r));
      finished = true;
      return undefined;
    });
    await c.start();
    c.enqueue('default/a');
    await settle();
    const stopped = c.stop();
    c.enqueue('default/b');
    release();
    await stopped;
    expect(finished).toBe(true);
    expect(passes.map((p) => p.key)).toEqual(['default/a']);
  });
});
