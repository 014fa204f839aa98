import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/meta.js';
import { FakeClock, settle } from './clock.js';
import { WriteExpectations } from './expectations.js';
import { Informer, compareResourceVersions } from './informer.js';
import { LaggingStore } from './test-stores.fixture.js';

const pod = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
});

describe('WriteExpectations', () => {
  const informers: Informer[] = [];
  afterEach(() => {
    for (const i of informers.splice(0)) i.stop();
  });

  /** A started informer over a lagging store; `wait` is the clock the expectations wait on (1000 ms bound). */
  async function setup() {
    const store = new LaggingStore();
    const informer = new Informer({ store, kind: 'Pod', clock: new FakeClock() });
    informers.push(informer);
    await informer.start();
    const wait = new FakeClock();
    return { store, informer, wait, expectations: new WriteExpectations({ clock: wait, waitMs: 1000 }) };
  }

  it('trusts a current cache with nothing pending at once', async () => {
    const { informer, expectations } = await setup();
    expect(await expectations.caughtUp(informer)).toBe(true);
  });

  it('waits for a write the watch has not delivered, and resolves as soon as it arrives', async () => {
    const { store, informer, expectations } = await setup();
    store.hold('Pod');
    expectations.expectWritten(informer, await store.create(pod('a')));
    let answer: boolean | undefined;
    void expectations.caughtUp(informer).then((r) => (answer = r));
    await settle();
    expect(answer).toBeUndefined();
    expect(expectations.pending(informer)).toBe(1);
    store.release('Pod');
    await settle();
    expect(answer).toBe(true);
    expect(informer.get('default', 'a')).toBeDefined();
    expect(expectations.pending(informer)).toBe(0);
  });

  it('gives up when the wait runs out, then answers at once until the cache catches up', async () => {
    const { store, informer, wait, expectations } = await setup();
    store.hold('Pod');
    expectations.expectWritten(informer, await store.create(pod('a')));
    const first = expectations.caughtUp(informer);
    wait.advance(1000);
    expect(await first).toBe(false);
    // Past its deadline the expectation no longer makes readers wait, but it still keeps them off the cache.
    expect(await expectations.caughtUp(informer)).toBe(false);
    store.release('Pod');
    await settle();
    expect(await expectations.caughtUp(informer)).toBe(true);
  });

  it('counts a later write of the same kind as proof of an earlier one (events arrive in version order)', async () => {
    const { store, informer, expectations } = await setup();
    const a = await store.create(pod('a'));
    await store.create(pod('b'));
    await settle();
    expectations.expectWritten(informer, a);
    expect(await expectations.caughtUp(informer)).toBe(true);
  });

  it('waits for a delete until the cache drops the object, or shows another object of that name', async () => {
    const { store, informer, wait, expectations } = await setup();
    const a = await store.create(pod('a'));
    await settle();
    store.hold('Pod');
    await store.delete('Pod', 'default', 'a');
    expectations.expectGone(informer, 'default', 'a', a.metadata.uid);
    const waiting = expectations.caughtUp(informer);
    wait.advance(1000);
    expect(await waiting).toBe(false);
    await store.create(pod('a'));
    store.release('Pod');
    await settle();
    expect(informer.get('default', 'a')?.metadata.uid).not.toBe(a.metadata.uid);
    expect(await expectations.caughtUp(informer)).toBe(true);
  });

  it('does not trust an informer whose watch broke until it has listed again', async () => {
    const clock = new FakeClock();
    const store = new LaggingStore();
    const informer = new Informer({ store, kind: 'Pod', clock, retryBaseMs: 100 });
    informers.push(informer);
    await informer.start();
    const expectations = new WriteExpectations({ clock: new FakeClock() });
    expect(informer.isCurrent()).toBe(true);
    store.breakWatches(new Error('connection lost'));
    expect(informer.isCurrent()).toBe(false);
    expect(await expectations.caughtUp(informer)).toBe(false);
    await clock.advanceAsync(100);
    expect(informer.isCurrent()).toBe(true);
    expect(await expectations.caughtUp(informer)).toBe(true);
  });
});

describe('compareResourceVersions', () => {
  it.each([
    ['1', '2', -1],
    ['10', '9', 1],
    ['42', '42', 0],
    ['123456789012345678901234567890', '123456789012345678901234567891', -1],
    ['abc', 'abc', 0],
    ['abc', '12', undefined],
    ['', '1', undefined],
  ])('%s vs %s', (a, b, order) => {
    expect(compareResourceVersions(a, b)).toBe(order);
  });
});
