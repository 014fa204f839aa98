import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../api/meta.js';
import { KanaryError } from '../common/index.js';
import type { ResourceStore, WatchEvent, WatchOptions } from './types.js';

/**
 * The contract every ResourceStore implementation passes: one vitest suite, run by each implementation's test file
 * (`runStoreContract('memory', async () => ({ store: new MemoryStore(), cleanup: async () => {} }))`).
 * Test-only code, exported so that stores in other folders run the very same checks.
 */

/** What the suite asks of the store under test; a factory honours it so that every behaviour can be reached. */
export interface ContractHints {
  /** Keep at most about this many changes for watch resumption, so the suite can reach GONE by writing 3x as many. */
  historyLimit: number;
}

export interface StoreUnderTest {
  store: ResourceStore;
  /** Closes the store and removes whatever it created (files, servers). */
  cleanup: () => Promise<void>;
}

const HINTS: ContractHints = { historyLimit: 20 };

interface Widget extends KubeObject {
  spec?: { size?: number; colour?: string; parts?: string[]; extra?: Record<string, unknown> };
  status?: { phase?: string; count?: number };
}

function widget(name: string, namespace = 'default', extra: Partial<Widget> = {}): Widget {
  return {
    apiVersion: 'test.kanary.dev/v1',
    kind: 'Widget',
    metadata: { name, namespace, ...extra.metadata },
    spec: { size: 1, colour: 'red', ...extra.spec },
    ...(extra.status === undefined ? {} : { status: extra.status }),
  };
}

/** The value, or a failed assertion when it is missing. */
function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value, got none');
  return value;
}

function rv(obj: KubeObject): number {
  return Number(obj.metadata.resourceVersion);
}

async function expectCode(promise: Promise<unknown>, code: KanaryError['code']): Promise<void> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected a KanaryError ${code}`).toBeInstanceOf(KanaryError);
  expect((err as KanaryError).code).toBe(code);
}

/** Records a watch's events and errors. */
function record<T extends KubeObject = Widget>(
  store: ResourceStore,
  kind: string,
  options: WatchOptions = {},
): { events: WatchEvent<T>[]; errors: Error[]; stop: () => void } {
  const events: WatchEvent<T>[] = [];
  const errors: Error[] = [];
  const stop = store.watch<T>(
    kind,
    options,
    (e) => events.push(e),
    (e) => errors.push(e),
  );
  return { events, errors, stop };
}

function summary(events: WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.object.metadata.namespace ?? ''}/${e.object.metadata.name ?? ''}`);
}

/** Lets in-flight deliveries land, for assertions that nothing more arrives. */
async function quiesce(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
}

export function runStoreContract(name: string, makeStore: (hints: ContractHints) => Promise<StoreUnderTest>): void {
  describe(`ResourceStore contract: ${name}`, () => {
    let store: ResourceStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore(HINTS));
    });
    afterEach(async () => {
      await cleanup();
    });

    describe('create and get', () => {
      it('sets uid, creationTimestamp, generation 1 and a resourceVersion, and get returns the stored object', async () => {
        const created = await store.create(widget('a'));
        expect(created.metadata.uid).toMatch(/.+/);
        expect(Number.isNaN(Date.parse(created.metadata.creationTimestamp ?? ''))).toBe(false);
        expect(created.metadata.generation).toBe(1);
        expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
        expect(created.spec).toEqual({ size: 1, colour: 'red' });
        expect(await store.get('Widget', 'default', 'a')).toEqual(created);
      });

      it('gives distinct uids to distinct objects', async () => {
        const a = await store.create(widget('a'));
        const b = await store.create(widget('b'));
        expect(a.metadata.uid).not.toBe(b.metadata.uid);
      });

      it('ignores status on create: only the status subresource writes it', async () => {
        const created = await store.create(widget('a', 'default', { status: { phase: 'Running' } }));
        expect(created.status).toBeUndefined();
        expect((await store.get<Widget>('Widget', 'default', 'a'))?.status).toBeUndefined();
      });

      it('fails with ALREADY_EXISTS for a taken name, and leaves the first object alone', async () => {
        const first = await store.create(widget('a'));
        await expectCode(store.create(widget('a', 'default', { spec: { size: 9 } })), 'ALREADY_EXISTS');
        expect(await store.get('Widget', 'default', 'a')).toEqual(first);
      });

      it('allows the same name in another namespace and under another kind', async () => {
        await store.create(widget('a', 'one'));
        await store.create(widget('a', 'two'));
        await store.create({ ...widget('a', 'one'), kind: 'Gadget' });
        expect((await store.list('Widget')).items).toHaveLength(2);
        expect((await store.list('Gadget')).items).toHaveLength(1);
      });

      it('resolves generateName into distinct names with the prefix', async () => {
        const make = (): Widget => ({ ...widget(''), metadata: { generateName: 'w-', namespace: 'default' } });
        const a = await store.create(make());
        const b = await store.create(make());
        expect(a.metadata.name).toMatch(/^w-[a-z0-9]{5}$/);
        expect(b.metadata.name).toMatch(/^w-[a-z0-9]{5}$/);
        expect(a.metadata.name).not.toBe(b.metadata.name);
        expect(await store.get('Widget', 'default', a.metadata.name ?? '')).toEqual(a);
      });

      it.each([
        ['no name and no generateName', { apiVersion: 'v1', kind: 'Widget', metadata: { namespace: 'default' } }],
        ['an invalid name', { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'Not_Valid', namespace: 'x' } }],
        ['no kind', { apiVersion: 'v1', kind: '', metadata: { name: 'a', namespace: 'default' } }],
      ])('rejects an object with %s as INVALID_SPEC', async (_what, obj) => {
        await expectCode(store.create<KubeObject>(obj), 'INVALID_SPEC');
      });

      it('returns undefined for a missing object', async () => {
        await store.create(widget('a'));
        expect(await store.get('Widget', 'default', 'b')).toBeUndefined();
        expect(await store.get('Widget', 'other', 'a')).toBeUndefined();
        expect(await store.get('Gadget', 'default', 'a')).toBeUndefined();
      });

      it('keeps cluster-scoped objects (no namespace) under the namespace ""', async () => {
        const obj: KubeObject = { apiVersion: 'v1', kind: 'Template', metadata: { name: 'shared' } };
        const created = await store.create(obj);
        expect(created.metadata.namespace).toBeUndefined();
        expect(await store.get('Template', '', 'shared')).toEqual(created);
      });
    });

    describe('list', () => {
      beforeEach(async () => {
        await store.create(widget('b', 'one', { metadata: { labels: { app: 'x', tier: 'web' } } }));
        await store.create(widget('a', 'one', { metadata: { labels: { app: 'x', tier: 'db' } } }));
        await store.create(widget('c', 'two', { metadata: { labels: { app: 'y', tier: 'web' } } }));
        await store.create({ ...widget('a', 'one'), kind: 'Gadget' });
      });

      it.each([
        ['all namespaces', {}, ['one/a', 'one/b', 'two/c']],
        ['one namespace', { namespace: 'one' }, ['one/a', 'one/b']],
        ['an empty namespace', { namespace: 'three' }, []],
        ['one label', { labelSelector: { tier: 'web' } }, ['one/b', 'two/c']],
        ['two labels', { labelSelector: { app: 'x', tier: 'web' } }, ['one/b']],
        ['a label and a namespace', { namespace: 'two', labelSelector: { app: 'x' } }, []],
        ['an absent label key', { labelSelector: { missing: 'x' } }, []],
      ])('filters by %s, ordered by namespace then name', async (_what, options, expected) => {
        const { items } = await store.list<Widget>('Widget', options);
        expect(items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`)).toEqual(expected);
      });

      it("returns a resourceVersion at or above every item's", async () => {
        const { items, resourceVersion } = await store.list('Widget');
        for (const item of items) expect(Number(resourceVersion)).toBeGreaterThanOrEqual(rv(item));
      });
    });

    describe('update', () => {
      it('replaces spec and metadata, bumps generation and resourceVersion, and keeps status', async () => {
        const created = await store.create(widget('a'));
        const withStatus = await store.updateStatus({ ...created, status: { phase: 'Running' } });
        const updated = await store.update<Widget>({
          ...withStatus,
          metadata: { ...withStatus.metadata, labels: { new: 'label' } },
          spec: { size: 2 },
          status: { phase: 'Ignored' },
        });
        expect(updated.spec).toEqual({ size: 2 });
        expect(updated.metadata.labels).toEqual({ new: 'label' });
        expect(updated.metadata.generation).toBe(2);
        expect(updated.status).toEqual({ phase: 'Running' });
        expect(rv(updated)).toBeGreaterThan(rv(withStatus));
        expect(updated.metadata.uid).toBe(created.metadata.uid);
        expect(updated.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
        expect(await store.get('Widget', 'default', 'a')).toEqual(updated);
      });

      it('keeps generation when only metadata changes', async () => {
        const created = await store.create(widget('a'));
        const updated = await store.update({ ...created, metadata: { ...created.metadata, labels: { l: 'v' } } });
        expect(updated.metadata.generation).toBe(1);
        expect(rv(updated)).toBeGreaterThan(rv(created));
      });

      it('ignores attempts to change system metadata', async () => {
        const created = await store.create(widget('a'));
        const updated = await store.update({
          ...created,
          metadata: { ...created.metadata, uid: 'forged', generation: 40, creationTimestamp: '1999-01-01T00:00:00Z' },
        });
        expect(updated.metadata.uid).toBe(created.metadata.uid);
        expect(updated.metadata.generation).toBe(1);
        expect(updated.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
      });

      it('is a no-op that keeps the resourceVersion when nothing changes', async () => {
        const created = await store.create(widget('a'));
        const same = await store.update(created);
        expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
        const sameStatus = await store.updateStatus(created);
        expect(sameStatus.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
      });

      it('fails with CONFLICT on a stale resourceVersion and writes nothing', async () => {
        const created = await store.create(widget('a'));
        const moved = await store.update({ ...created, spec: { size: 2 } });
        await expectCode(store.update({ ...created, spec: { size: 3 } }), 'CONFLICT');
        await expectCode(store.updateStatus({ ...created, status: { phase: 'X' } }), 'CONFLICT');
        expect(await store.get('Widget', 'default', 'a')).toEqual(moved);
      });

      it('writes unconditionally without a resourceVersion', async () => {
        const created = await store.create(widget('a'));
        await store.update({ ...created, spec: { size: 2 } });
        const { resourceVersion: _rv, ...meta } = created.metadata;
        const forced = await store.update<Widget>({ ...created, metadata: meta, spec: { size: 3 } });
        expect(forced.spec).toEqual({ size: 3 });
      });

      it('fails with NOT_FOUND for a missing object', async () => {
        await expectCode(store.update(widget('nope')), 'NOT_FOUND');
        await expectCode(store.updateStatus(widget('nope')), 'NOT_FOUND');
      });
    });

    describe('updateStatus', () => {
      it('replaces status only: spec, metadata and generation stay', async () => {
        const created = await store.create(widget('a'));
        const updated = await store.updateStatus<Widget>({
          ...created,
          metadata: { ...created.metadata, labels: { ignored: 'yes' } },
          spec: { size: 99 },
          status: { phase: 'Running', count: 2 },
        });
        expect(updated.status).toEqual({ phase: 'Running', count: 2 });
        expect(updated.spec).toEqual(created.spec);
        expect(updated.metadata.labels).toBeUndefined();
        expect(updated.metadata.generation).toBe(1);
        expect(rv(updated)).toBeGreaterThan(rv(created));
        expect(await store.get('Widget', 'default', 'a')).toEqual(updated);
      });
    });

    describe('patch', () => {
      it('merges spec and metadata (RFC 7386): objects merge, null removes, arrays replace', async () => {
        const created = await store.create(
          widget('a', 'default', {
            metadata: { labels: { keep: '1', drop: '2' } },
            spec: { parts: ['x', 'y'], extra: { deep: { a: 1, b: 2 } } },
          }),
        );
        const patched = await store.patch<Widget>('Widget', 'default', 'a', {
          metadata: { labels: { drop: null, add: '3' } },
          spec: { colour: null, parts: ['z'], extra: { deep: { b: null, c: 3 } } },
        });
        expect(patched.metadata.labels).toEqual({ keep: '1', add: '3' });
        expect(patched.spec).toEqual({ size: 1, parts: ['z'], extra: { deep: { a: 1, c: 3 } } });
        expect(patched.metadata.generation).toBe(2);
        expect(rv(patched)).toBeGreaterThan(rv(created));
        expect(await store.get('Widget', 'default', 'a')).toEqual(patched);
      });

      it('ignores status without the status subresource', async () => {
        await store.create(widget('a'));
        const patched = await store.patch<Widget>('Widget', 'default', 'a', {
          spec: { size: 5 },
          status: { phase: 'X' },
        });
        expect(patched.spec?.size).toBe(5);
        expect(patched.status).toBeUndefined();
      });

      it('with subresource status, merges status only', async () => {
        const created = await store.create(widget('a'));
        await store.updateStatus({ ...created, status: { phase: 'Running', count: 1 } });
        const patched = await store.patch<Widget>(
          'Widget',
          'default',
          'a',
          { spec: { size: 7 }, status: { count: 2 } },
          { subresource: 'status' },
        );
        expect(patched.status).toEqual({ phase: 'Running', count: 2 });
        expect(patched.spec).toEqual(created.spec);
        expect(patched.metadata.generation).toBe(1);
      });

      it('fails with CONFLICT on a stale resourceVersion, with NOT_FOUND on a missing object', async () => {
        const created = await store.create(widget('a'));
        await store.patch('Widget', 'default', 'a', { spec: { size: 2 } });
        await expectCode(
          store.patch(
            'Widget',
            'default',
            'a',
            { spec: { size: 3 } },
            { resourceVersion: created.metadata.resourceVersion ?? '' },
          ),
          'CONFLICT',
        );
        await expectCode(store.patch('Widget', 'default', 'zz', { spec: { size: 3 } }), 'NOT_FOUND');
      });

      it.each([
        ['a non-object patch', ['x']],
        ['a rename', { metadata: { name: 'b' } }],
      ])('rejects %s as INVALID_SPEC', async (_what, body) => {
        await store.create(widget('a'));
        await expectCode(store.patch('Widget', 'default', 'a', body), 'INVALID_SPEC');
      });
    });

    describe('delete', () => {
      it('removes the object; a second delete fails with NOT_FOUND', async () => {
        await store.create(widget('a'));
        await store.delete('Widget', 'default', 'a');
        expect(await store.get('Widget', 'default', 'a')).toBeUndefined();
        await expectCode(store.delete('Widget', 'default', 'a'), 'NOT_FOUND');
      });

      it('fails with CONFLICT when the object moved past the given resourceVersion', async () => {
        const created = await store.create(widget('a'));
        await store.patch('Widget', 'default', 'a', { spec: { size: 2 } });
        await expectCode(
          store.delete('Widget', 'default', 'a', { resourceVersion: created.metadata.resourceVersion ?? '' }),
          'CONFLICT',
        );
        expect(await store.get('Widget', 'default', 'a')).toBeDefined();
      });

      it('marks the object terminating on a graceful delete, keeps it, and removes it on a plain delete', async () => {
        const created = await store.create(widget('a'));
        await store.delete('Widget', 'default', 'a', { graceful: true });
        const marked = await store.get('Widget', 'default', 'a');
        expect(marked?.metadata.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(rv(marked ?? created)).toBeGreaterThan(rv(created));
        await store.delete('Widget', 'default', 'a', { graceful: true });
        expect((await store.get('Widget', 'default', 'a'))?.metadata.resourceVersion).toBe(
          marked?.metadata.resourceVersion,
        );
        await store.patch('Widget', 'default', 'a', { metadata: { deletionTimestamp: null } });
        expect((await store.get('Widget', 'default', 'a'))?.metadata.deletionTimestamp).toBe(
          marked?.metadata.deletionTimestamp,
        );
        await store.delete('Widget', 'default', 'a');
        expect(await store.get('Widget', 'default', 'a')).toBeUndefined();
      });

      it('allows the name to be created again, as a new object', async () => {
        const first = await store.create(widget('a'));
        await store.delete('Widget', 'default', 'a');
        const second = await store.create(widget('a'));
        expect(second.metadata.uid).not.toBe(first.metadata.uid);
        expect(rv(second)).toBeGreaterThan(rv(first));
      });
    });

    describe('resourceVersion', () => {
      it('grows strictly with every write, across kinds and namespaces; a list sits between writes', async () => {
        const a = await store.create(widget('a'));
        const writes = [rv(a)];
        writes.push(rv(await store.create({ ...widget('a', 'other'), kind: 'Gadget' })));
        writes.push(rv(await store.update({ ...a, spec: { size: 3 } })));
        writes.push(
          rv(await store.patch('Widget', 'default', 'a', { status: { phase: 'P' } }, { subresource: 'status' })),
        );
        const listed = Number((await store.list('Widget')).resourceVersion);
        writes.push(rv(await store.create(widget('b'))));
        for (let i = 1; i < writes.length; i++) expect(writes[i]).toBeGreaterThan(must(writes[i - 1]));
        expect(listed).toBeGreaterThanOrEqual(must(writes[3]));
        expect(listed).toBeLessThan(must(writes[4]));
      });
    });

    describe('isolation', () => {
      it('copies objects in and out: callers cannot change stored state by mutating', async () => {
        const input = widget('a', 'default', { spec: { parts: ['x'] } });
        const created = await store.create(input);
        must(input.spec?.parts).push('from-input');
        must(created.spec?.parts).push('from-result');
        const got = await store.get<Widget>('Widget', 'default', 'a');
        must(got?.spec?.parts).push('from-get');
        const { items } = await store.list<Widget>('Widget');
        must(items[0]?.spec?.parts).push('from-list');
        expect((await store.get<Widget>('Widget', 'default', 'a'))?.spec?.parts).toEqual(['x']);
      });

      it('gives every watcher its own copy of an event', async () => {
        const two = record(store, 'Widget');
        const first = store.watch<Widget>('Widget', {}, (e) => {
          must(e.object.spec).size = 1000;
        });
        await store.create(widget('a'));
        const second = record(store, 'Widget', { resourceVersion: '0' });
        await vi.waitFor(() => expect(two.events).toHaveLength(1));
        await vi.waitFor(() => expect(second.events).toHaveLength(1));
        expect(two.events[0]?.object.spec?.size).toBe(1);
        expect(second.events[0]?.object.spec?.size).toBe(1);
        first();
        two.stop();
        second.stop();
      });
    });

    describe('watch', () => {
      it('delivers ADDED, MODIFIED and DELETED in order, once each, with the write versions', async () => {
        const w = record(store, 'Widget');
        const a = await store.create(widget('a'));
        const b = await store.update({ ...a, spec: { size: 2 } });
        const c = await store.updateStatus({ ...b, status: { phase: 'Up' } });
        await store.delete('Widget', 'default', 'a');
        await vi.waitFor(() => expect(w.events).toHaveLength(4));
        await quiesce();
        expect(summary(w.events)).toEqual([
          'ADDED default/a',
          'MODIFIED default/a',
          'MODIFIED default/a',
          'DELETED default/a',
        ]);
        expect(w.events.slice(0, 3).map((e) => e.object)).toEqual([a, b, c]);
        const deleted = must(w.events[3]).object;
        expect(deleted.status).toEqual({ phase: 'Up' });
        expect(rv(deleted)).toBeGreaterThan(rv(c));
        expect(w.events).toHaveLength(4);
        expect(w.errors).toEqual([]);
        w.stop();
      });

      it('does not deliver no-op writes', async () => {
        const a = await store.create(widget('a'));
        const w = record(store, 'Widget');
        await store.update(a);
        await store.updateStatus(a);
        const b = await store.patch('Widget', 'default', 'a', { spec: { size: 9 } });
        await vi.waitFor(() => expect(w.events).toHaveLength(1));
        expect(w.events[0]?.object).toEqual(b);
        w.stop();
      });

      it('filters by kind and namespace', async () => {
        const inOne = record(store, 'Widget', { namespace: 'one' });
        const all = record(store, 'Widget');
        await store.create(widget('a', 'two'));
        await store.create({ ...widget('g', 'one'), kind: 'Gadget' });
        await store.create(widget('b', 'one'));
        await vi.waitFor(() => expect(all.events).toHaveLength(2));
        await vi.waitFor(() => expect(inOne.events).toHaveLength(1));
        await quiesce();
        expect(summary(inOne.events)).toEqual(['ADDED one/b']);
        expect(summary(all.events)).toEqual(['ADDED two/a', 'ADDED one/b']);
        inOne.stop();
        all.stop();
      });

      it('without a resourceVersion starts from now: earlier writes are not replayed', async () => {
        await store.create(widget('old'));
        const w = record(store, 'Widget');
        await store.create(widget('new'));
        await vi.waitFor(() => expect(w.events).toHaveLength(1));
        await quiesce();
        expect(summary(w.events)).toEqual(['ADDED default/new']);
        w.stop();
      });

      it('resumes after a version: list, write, then watch from the list version misses nothing', async () => {
        await store.create(widget('a'));
        const listed = await store.list('Widget');
        const b = await store.create(widget('b'));
        await store.patch('Widget', 'default', 'a', { spec: { size: 4 } });
        await store.delete('Widget', 'default', 'b');
        const w = record(store, 'Widget', { resourceVersion: listed.resourceVersion });
        await store.create(widget('c'));
        await vi.waitFor(() => expect(w.events).toHaveLength(4));
        await quiesce();
        expect(summary(w.events)).toEqual([
          'ADDED default/b',
          'MODIFIED default/a',
          'DELETED default/b',
          'ADDED default/c',
        ]);
        expect(w.events[0]?.object).toEqual(b);
        w.stop();
      });

      it('resumes from the version of any event: delivers strictly later writes only', async () => {
        const a = await store.create(widget('a'));
        const b = await store.update({ ...a, spec: { size: 2 } });
        await store.update({ ...b, spec: { size: 3 } });
        const w = record(store, 'Widget', { resourceVersion: b.metadata.resourceVersion ?? '' });
        await vi.waitFor(() => expect(w.events).toHaveLength(1));
        await quiesce();
        expect((w.events[0]?.object as Widget).spec?.size).toBe(3);
        w.stop();
      });

      it('delivers nothing after stop', async () => {
        const w = record(store, 'Widget');
        await store.create(widget('a'));
        w.stop();
        await store.create(widget('b'));
        await quiesce();
        expect(w.events.length).toBeLessThanOrEqual(1);
        expect(summary(w.events).every((s) => s === 'ADDED default/a')).toBe(true);
      });

      it('fails with GONE when resuming from a version older than the kept history, and stops', async () => {
        const first = await store.create(widget('a'));
        for (let i = 0; i < HINTS.historyLimit * 3; i++) {
          await store.patch('Widget', 'default', 'a', { spec: { size: i + 10 } });
        }
        const w = record(store, 'Widget', { resourceVersion: String(rv(first) - 1) });
        await vi.waitFor(() => expect(w.errors).toHaveLength(1));
        expect(w.errors[0]).toBeInstanceOf(KanaryError);
        expect((w.errors[0] as KanaryError).code).toBe('GONE');
        await store.create(widget('b'));
        await quiesce();
        expect(w.events).toEqual([]);
        w.stop();
      });

      it('keeps a long stream exactly once and in order', async () => {
        const w = record(store, 'Widget');
        const written: string[] = [];
        for (let i = 0; i < 50; i++) {
          const obj = await store.create(widget(`w${i}`, i % 2 === 0 ? 'even' : 'odd'));
          written.push(obj.metadata.resourceVersion ?? '');
        }
        await vi.waitFor(() => expect(w.events).toHaveLength(50));
        await quiesce();
        expect(w.events.map((e) => e.object.metadata.resourceVersion)).toEqual(written);
        w.stop();
      });
    });

    describe('concurrent writers', () => {
      it('lets exactly one of many writers with the same resourceVersion win', async () => {
        const created = await store.create(widget('a'));
        const results = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) => store.update({ ...created, spec: { size: i + 100 } })),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.every((r) => r.reason instanceof KanaryError && r.reason.code === 'CONFLICT')).toBe(true);
      });

      it('loses no increment when read-modify-write loops retry on CONFLICT', async () => {
        await store.create(widget('counter', 'default', { spec: { size: 0 } }));
        const increment = async (): Promise<void> => {
          for (;;) {
            const cur = must(await store.get<Widget>('Widget', 'default', 'counter'));
            try {
              await store.update({ ...cur, spec: { ...cur.spec, size: (cur.spec?.size ?? 0) + 1 } });
              return;
            } catch (err) {
              if (!(err instanceof KanaryError && err.code === 'CONFLICT')) throw err;
            }
          }
        };
        await Promise.all(Array.from({ length: 10 }, increment));
        expect((await store.get<Widget>('Widget', 'default', 'counter'))?.spec?.size).toBe(10);
      });

      it('creates distinct names for concurrent generateName creates, and one winner per fixed name', async () => {
        const generated = await Promise.all(
          Array.from({ length: 10 }, () =>
            store.create<Widget>({ ...widget(''), metadata: { generateName: 'g-', namespace: 'default' } }),
          ),
        );
        expect(new Set(generated.map((o) => o.metadata.name)).size).toBe(10);
        const fixed = await Promise.allSettled(Array.from({ length: 5 }, () => store.create(widget('same'))));
        expect(fixed.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      });
    });

    describe('random operation sequences', () => {
      it('agree with a model, and a watch from the start replays into exactly what list returns', async () => {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(operation, { maxLength: 25 }), async (ops) => {
            const namespace = `prop-${run++}`;
            await checkSequence(store, namespace, ops);
          }),
          { numRuns: 25 },
        );
      });
    });
  });
}

type Op = { op: 'create' | 'update' | 'status' | 'patch' | 'delete'; name: string; value: number; stale: boolean };

const operation: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom('create', 'update', 'status', 'patch', 'delete'),
  name: fc.constantFrom('a', 'b', 'c'),
  value: fc.nat(1000),
  stale: fc.boolean(),
});

/** Applies `ops` to the store and to a model, checking each outcome, then checks that a watch replays to the list. */
async function checkSequence(store: ResourceStore, namespace: string, ops: Op[]): Promise<void> {
  const model = new Map<string, { size: number; count: number | undefined; rv: number }>();
  const events: WatchEvent<Widget>[] = [];
  const stop = store.watch<Widget>('Widget', { namespace }, (e) => events.push(e));
  let lastWrite = 0;
  for (const { op, name, value, stale } of ops) {
    const current = model.get(name);
    const version = current === undefined ? undefined : String(stale ? current.rv - 1 : current.rv);
    const expected = expectedError(op, current !== undefined, stale);
    const attempt = applyOp(store, { op, name, value, namespace, version });
    if (expected !== undefined) {
      await expectCode(attempt, expected);
      continue;
    }
    const result = await attempt;
    if (op === 'delete') {
      model.delete(name);
      lastWrite = Number((await store.list('Widget', { namespace })).resourceVersion);
      continue;
    }
    const obj = must(result);
    const next = { size: obj.spec?.size ?? -1, count: obj.status?.count, rv: rv(obj) };
    expect(next.size).toBe(op === 'status' ? current?.size : value);
    expect(next.count).toBe(op === 'status' ? value : current?.count);
    model.set(name, next);
    lastWrite = Math.max(lastWrite, next.rv);
  }
  const listed = await store.list<Widget>('Widget', { namespace });
  expect(listed.items.map((o) => o.metadata.name)).toEqual([...model.keys()].sort());
  if (lastWrite > 0) await vi.waitFor(() => expect(rv(must(events.at(-1)).object)).toBeGreaterThanOrEqual(lastWrite));
  stop();
  const replayed = new Map<string, Widget>();
  for (const e of events) {
    if (e.type === 'DELETED') replayed.delete(e.object.metadata.name ?? '');
    else replayed.set(e.object.metadata.name ?? '', e.object);
  }
  expect([...replayed.values()].sort((x, y) => rv(x) - rv(y))).toEqual([...listed.items].sort((x, y) => rv(x) - rv(y)));
  const versions = events.map(rvOfEvent);
  expect(versions).toEqual([...new Set(versions)].sort((x, y) => x - y));
}

function rvOfEvent(e: WatchEvent): number {
  return rv(e.object);
}

function expectedError(op: Op['op'], exists: boolean, stale: boolean): KanaryError['code'] | undefined {
  if (op === 'create') return exists ? 'ALREADY_EXISTS' : undefined;
  if (!exists) return 'NOT_FOUND';
  return stale ? 'CONFLICT' : undefined;
}

function applyOp(
  store: ResourceStore,
  a: { op: Op['op']; name: string; value: number; namespace: string; version: string | undefined },
): Promise<Widget | undefined> {
  const meta = {
    name: a.name,
    namespace: a.namespace,
    ...(a.version === undefined ? {} : { resourceVersion: a.version }),
  };
  const base: Widget = { apiVersion: 'test.kanary.dev/v1', kind: 'Widget', metadata: meta };
  const precondition = a.version === undefined ? {} : { resourceVersion: a.version };
  switch (a.op) {
    case 'create':
      return store.create<Widget>({
        ...base,
        metadata: { name: a.name, namespace: a.namespace },
        spec: { size: a.value },
      });
    case 'update':
      return store.update<Widget>({ ...base, spec: { size: a.value } });
    case 'status':
      return store.updateStatus<Widget>({ ...base, status: { count: a.value } });
    case 'patch':
      return store.patch<Widget>('Widget', a.namespace, a.name, { spec: { size: a.value } }, precondition);
    case 'delete':
      return store.delete('Widget', a.namespace, a.name, precondition).then(() => undefined);
  }
}
