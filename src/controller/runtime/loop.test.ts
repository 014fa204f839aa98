import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/meta.js';
import { MemoryStore, SqliteStore, type ResourceStore } from '../../store/index.js';
import { FakeClock } from './clock.js';
import { Controller } from './controller.js';
import { Informer } from './informer.js';
import { parseKey } from './keys.js';

/**
 * The pieces together over each real store: a small level-triggered controller that records the observed
 * generation in status and counts down `spec.ticks` once per simulated second, like a rollout waiting out a pause.
 */
interface Timer extends KubeObject {
  spec: { ticks: number };
  status?: { observedGeneration?: number; remaining?: number; startedAt?: number };
}

const stores: [string, () => { store: ResourceStore; cleanup: () => void }][] = [
  ['memory', () => ({ store: new MemoryStore(), cleanup: () => undefined })],
  [
    'sqlite',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'kanary-loop-'));
      return {
        store: new SqliteStore({ path: join(dir, 'state.db'), synchronous: 'NORMAL' }),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
];

describe.each(stores)('controller loop over the %s store', (_name, make) => {
  it('converges, waits on timers, retries conflicts from a rival writer, and goes quiet', async () => {
    const { store, cleanup } = make();
    const clock = new FakeClock(1_000_000);
    const informer = new Informer<Timer>({ store, kind: 'Timer', clock });
    let rivalWrites = 1;
    const outcomes: string[] = [];
    const controller = new Controller({
      name: 'timer',
      clock,
      onReconcile: (r) => outcomes.push(r.outcome),
      reconcile: async (key) => {
        const { namespace, name } = parseKey(key);
        const timer = await store.get<Timer>('Timer', namespace, name);
        if (timer === undefined) return undefined;
        const startedAt = timer.status?.startedAt ?? clock.now();
        const remaining = Math.max(0, timer.spec.ticks - Math.floor((clock.now() - startedAt) / 1000));
        if (rivalWrites-- > 0) await store.patch('Timer', namespace, name, { metadata: { labels: { rival: 'yes' } } });
        await store.updateStatus<Timer>({
          ...timer,
          status: { observedGeneration: timer.metadata.generation ?? 0, remaining, startedAt },
        });
        return remaining > 0 ? { requeueAfterMs: 1000 } : undefined;
      },
    }).watches(informer);
    await controller.start();

    await store.create<Timer>({
      apiVersion: 'test/v1',
      kind: 'Timer',
      metadata: { name: 't', namespace: 'default' },
      spec: { ticks: 3 },
    });
    await controller.waitIdle();
    const status = async (): Promise<Timer['status']> => (await store.get<Timer>('Timer', 'default', 't'))?.status;
    expect(await status()).toMatchObject({ observedGeneration: 1, remaining: 3 });
    expect(outcomes[0]).toBe('conflict');

    for (const expected of [2, 1, 0]) {
      await clock.advanceAsync(1000);
      await controller.waitIdle();
      expect((await status())?.remaining).toBe(expected);
    }
    const passes = outcomes.length;
    await clock.advanceAsync(60_000);
    await controller.waitIdle();
    expect(outcomes.length).toBe(passes);
    expect(clock.pendingTimers()).toBe(0);

    await store.patch('Timer', 'default', 't', { spec: { ticks: 10 } });
    await controller.waitIdle();
    expect(await status()).toMatchObject({ observedGeneration: 2 });
    expect(outcomes.every((o) => o !== 'error')).toBe(true);

    await controller.stop();
    informer.stop();
    await store.close();
    cleanup();
  });
});
