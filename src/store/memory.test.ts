import { describe, expect, it } from 'vitest';
import { MemoryStore, runStoreContract } from './index.js';

await runStoreContract('memory', ({ historyLimit }) => {
  const store = new MemoryStore({ historyLimit });
  return Promise.resolve({ store, cleanup: () => store.close() });
});

describe('MemoryStore options', () => {
  it('takes creationTimestamp from the injected clock, uid and generateName from the injected sources', async () => {
    let n = 0;
    const store = new MemoryStore({
      now: () => new Date('2026-03-04T05:06:07.890Z'),
      uid: () => `uid-${++n}`,
      random: () => 0,
    });
    const created = await store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'web-', namespace: 'default' },
    });
    expect(created.metadata).toMatchObject({
      name: 'web-bbbbb',
      uid: 'uid-1',
      creationTimestamp: '2026-03-04T05:06:07Z',
    });
    await store.close();
  });

  it('refuses work after close', async () => {
    const store = new MemoryStore();
    await store.close();
    await store.close();
    await expect(store.get('Pod', 'default', 'x')).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
