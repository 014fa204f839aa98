import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../api/meta.js';
import { runStoreContract } from './contract.js';
import { SqliteStore } from './sqlite.js';
import type { WatchEvent } from './types.js';

function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kanary-sqlite-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

runStoreContract('sqlite', ({ historyLimit }) => {
  const { dir, remove } = tempDir();
  const store = new SqliteStore({ path: join(dir, 'state.db'), historyLimit });
  return Promise.resolve({
    store,
    cleanup: async () => {
      await store.close();
      remove();
    },
  });
});

const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' } });

describe('SqliteStore on disk', () => {
  let dir: string;
  let remove: () => void;
  let path: string;

  beforeEach(() => {
    ({ dir, remove } = tempDir());
    path = join(dir, 'state.db');
  });
  afterEach(() => remove());

  it('keeps objects and versions across reopen, and watch resumes from a version written before', async () => {
    const first = new SqliteStore({ path });
    const a = await first.create(pod('a'));
    const b = await first.create(pod('b'));
    await first.close();

    const second = new SqliteStore({ path });
    expect(await second.get('Pod', 'default', 'a')).toEqual(a);
    const events: WatchEvent[] = [];
    const stop = second.watch('Pod', { resourceVersion: a.metadata.resourceVersion ?? '' }, (e) => events.push(e));
    const c = await second.create(pod('c'));
    expect(Number(c.metadata.resourceVersion)).toBeGreaterThan(Number(b.metadata.resourceVersion));
    await vi.waitFor(() => expect(events.map((e) => e.object.metadata.name)).toEqual(['b', 'c']));
    stop();
    await second.close();
  });

  it('uses WAL, the chosen synchronous level and the current schema version', async () => {
    const store = new SqliteStore({ path, synchronous: 'NORMAL' });
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a file with a newer schema than it knows', async () => {
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteStore({ path })).toThrow(/schema version 99/);
    await Promise.resolve();
  });

  it('lets a second store on the same file read committed writes, and watch them when polling', async () => {
    const writer = new SqliteStore({ path });
    const reader = new SqliteStore({ path, pollIntervalMs: 10 });
    const events: WatchEvent[] = [];
    const stop = reader.watch('Pod', {}, (e) => events.push(e));
    const a = await writer.create(pod('a'));
    expect(await reader.get('Pod', 'default', 'a')).toEqual(a);
    await writer.delete('Pod', 'default', 'a');
    await vi.waitFor(() => expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']));
    stop();
    await reader.close();
    await writer.close();
  });

  it('compacts the change log to about the history limit', async () => {
    const store = new SqliteStore({ path, historyLimit: 8 });
    await store.create(pod('a'));
    for (let i = 0; i < 40; i++) await store.patch('Pod', 'default', 'a', { metadata: { labels: { i: String(i) } } });
    await store.close();
    const db = new Database(path, { readonly: true });
    const count = db.prepare('SELECT count(*) FROM changes').pluck().get() as number;
    db.close();
    expect(count).toBeGreaterThanOrEqual(8);
    expect(count).toBeLessThanOrEqual(10);
  });
});
