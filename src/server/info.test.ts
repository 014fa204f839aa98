import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/index.js';
import { NOW, cluster } from '../info/testdata.js';
import type { RolloutInfo } from '../info/index.js';
import { MemoryStore } from '../store/index.js';
import { createApiApp } from './app.js';
import { mountDashboard } from './dashboard.js';
import { mountInfo } from './info.js';

async function storeWith(objects: KubeObject[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const o of objects) {
    const created = await store.create(o);
    // The store numbers generations itself; the fixture's status claims to have seen the stored one.
    const status =
      o.kind === 'Rollout'
        ? { ...(o.status as object), observedGeneration: String(created.metadata.generation) }
        : o.status;
    if (status !== undefined) await store.updateStatus({ ...created, status });
  }
  return store;
}

function appOver(store: MemoryStore, dist?: string): Hono {
  const app = new Hono();
  mountInfo(app, store, () => NOW);
  app.route('/', createApiApp({ store, token: 't' }));
  if (dist !== undefined) mountDashboard(app, dist);
  return app;
}

describe('rolloutinfos routes', () => {
  it('answers the view model of one rollout and of a namespace', async () => {
    const c = cluster('Paused');
    const store = await storeWith([c.rollout, ...c.replicaSets, ...c.pods]);
    const app = appOver(store);
    const one = await app.request('/api/v1/namespaces/demo/rolloutinfos/sample-app');
    expect(one.status).toBe(200);
    const info = (await one.json()) as RolloutInfo;
    expect([info.status, info.step, info.setWeight]).toEqual(['Paused', '1/6', 25]);
    expect(info.revisions.map((r) => r.revision)).toEqual([2, 1]);
    const list = (await (await app.request('/api/v1/namespaces/demo/rolloutinfos')).json()) as { items: RolloutInfo[] };
    expect(list.items.map((i) => i.name)).toEqual(['sample-app']);
    const all = (await (await app.request('/api/v1/rolloutinfos')).json()) as { items: RolloutInfo[] };
    expect(all.items).toHaveLength(1);
    // The generic resource routes still work under the same app.
    expect((await app.request('/api/v1/namespaces/demo/rollouts/sample-app')).status).toBe(200);
  });

  it('answers 404 JSON for a rollout that does not exist', async () => {
    const res = await appOver(new MemoryStore()).request('/api/v1/namespaces/demo/rolloutinfos/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'NOT_FOUND', message: 'Rollout "nope" not found in namespace "demo"' });
  });
});

describe('mountDashboard', () => {
  const dist = mkdtempSync(join(tmpdir(), 'kanary-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Kanary</title>');
  writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log(1)');
  const app = appOver(new MemoryStore(), dist);

  it.each([
    ['/', 'text/html; charset=utf-8', '<!doctype html><title>Kanary</title>'],
    ['/rollouts/demo/sample-app', 'text/html; charset=utf-8', '<!doctype html><title>Kanary</title>'],
    ['/assets/app-1.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
  ])('GET %s', async (path, type, body) => {
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(await res.text()).toBe(body);
  });

  it('never serves files outside the bundle and leaves /api alone', async () => {
    expect(await (await app.request('/..%2f..%2fetc%2fpasswd')).text()).toContain('<title>Kanary</title>');
    expect((await app.request('/api/v1/nothing/here/at/all')).status).toBe(404);
  });

  it('explains a missing bundle', async () => {
    const res = await appOver(new MemoryStore(), join(dist, 'missing')).request('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run prepare');
  });
});
