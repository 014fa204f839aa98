import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { ConfigMap, KubeObject } from '../api/index.js';
import { MemoryStore } from '../store/index.js';
import { createApiApp } from './app.js';
import { loadOrCreateToken } from './auth.js';

const TOKEN = 'x'.repeat(43);
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

function service(name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080 }] },
  };
}

const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-config' },
  data: { LOG_LEVEL: 'info' },
};

describe('the HTTP API', () => {
  let store: MemoryStore;
  let app: Hono;
  beforeEach(() => {
    store = new MemoryStore();
    app = createApiApp({ store, token: TOKEN });
  });
  afterEach(async () => store.close());

  it('stores, lists (by plural, kind and short name), replaces and deletes a ConfigMap', async () => {
    const put = await app.request('/api/v1/namespaces/demo/configmaps/app-config', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify(configMap),
    });
    expect(put.status).toBe(200);
    expect((await store.get<ConfigMap>('ConfigMap', 'demo', 'app-config'))?.data).toEqual({ LOG_LEVEL: 'info' });

    for (const resource of ['configmaps', 'configmap', 'cm']) {
      const res = await app.request(`/api/v1/namespaces/demo/${resource}`);
      const list = (await res.json()) as { kind: string; items: KubeObject[] };
      expect([list.kind, list.items.map((o) => o.metadata.name)]).toEqual(['ConfigMapList', ['app-config']]);
    }

    await app.request('/api/v1/namespaces/demo/cm/app-config', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ ...configMap, data: { LOG_LEVEL: 'debug' } }),
    });
    const got = (await (await app.request('/api/v1/namespaces/demo/cm/app-config')).json()) as { data: object };
    expect(got.data).toEqual({ LOG_LEVEL: 'debug' });

    const del = await app.request('/api/v1/namespaces/demo/configmaps/app-config', { method: 'DELETE', headers: auth });
    expect(del.status).toBe(200);
    expect(await store.get('ConfigMap', 'demo', 'app-config')).toBeUndefined();
  });

  it('refuses a mutating call without the token with 401 and says what to do', async () => {
    const res = await app.request('/api/v1/namespaces/demo/services', {
      method: 'POST',
      body: JSON.stringify(service('a')),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('UNAUTHORIZED');
    expect(body.message).toContain('KANARY_TOKEN');
    expect((await store.list('Service')).items).toHaveLength(0);
  });

  it('refuses a wrong token', async () => {
    const res = await app.request('/api/v1/namespaces/demo/services', {
      method: 'POST',
      headers: { authorization: `Bearer ${'y'.repeat(43)}` },
      body: JSON.stringify(service('a')),
    });
    expect(res.status).toBe(401);
  });

  it('creates, reads, lists by label, applies and deletes objects with the namespace from the URL', async () => {
    const created = await app.request('/api/v1/namespaces/demo/services', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(service('a')),
    });
    expect(created.status).toBe(201);
    const got = await app.request('/api/v1/namespaces/demo/svc/a');
    expect(((await got.json()) as { metadata: { namespace: string } }).metadata.namespace).toBe('demo');
    const again = await app.request('/api/v1/namespaces/demo/services', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(service('a')),
    });
    expect(again.status).toBe(409);
    const applied = await app.request('/api/v1/namespaces/demo/services/b', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ ...service('b'), metadata: { name: 'b', labels: { tier: 'web' } } }),
    });
    expect(applied.status).toBe(200);
    const listed = await app.request('/api/v1/namespaces/demo/services?labelSelector=tier=web');
    const names = ((await listed.json()) as { items: { metadata: { name: string } }[] }).items.map(
      (i) => i.metadata.name,
    );
    expect(names).toEqual(['b']);
    const del = await app.request('/api/v1/namespaces/demo/services/a', { method: 'DELETE', headers: auth });
    expect(del.status).toBe(200);
    expect((await app.request('/api/v1/namespaces/demo/services/a')).status).toBe(404);
  });

  it('deletes with ?propagationPolicy: Orphan keeps the dependents, an unknown policy is 400', async () => {
    const owner = await store.create<KubeObject>({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'o', namespace: 'demo' },
    });
    const ref = { apiVersion: 'v1', kind: 'Service', name: 'o', uid: owner.metadata.uid ?? '' };
    await store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'demo', ownerReferences: [ref] },
    });
    const bad = await app.request('/api/v1/namespaces/demo/services/o?propagationPolicy=Sideways', {
      method: 'DELETE',
      headers: auth,
    });
    expect(bad.status).toBe(400);
    const del = await app.request('/api/v1/namespaces/demo/services/o?propagationPolicy=Orphan', {
      method: 'DELETE',
      headers: auth,
    });
    expect(del.status).toBe(200);
    const body = (await del.json()) as { propagationPolicy: string; orphaned: { name: string }[] };
    expect(body.propagationPolicy).toBe('Orphan');
    expect(body.orphaned.map((o) => o.name)).toEqual(['s']);
    expect((await store.get('Secret', 'demo', 's'))?.metadata.ownerReferences).toBeUndefined();
  });

  it('names the unknown resource type and the known ones', async () => {
    const res = await app.request('/api/v1/namespaces/demo/widgets');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toContain('rollouts');
  });

  it('rejects a body whose kind does not match the URL', async () => {
    const res = await app.request('/api/v1/namespaces/demo/rollouts', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(service('a')),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('"Service"');
  });

  it('runs rollout operations and answers 404 for a missing rollout', async () => {
    const missing = await app.request('/api/v1/namespaces/demo/rollouts/nope/abort', { method: 'POST', headers: auth });
    expect(missing.status).toBe(404);
    await store.create({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r', namespace: 'demo' },
      spec: { strategy: { canary: { steps: [] } } },
    });
    const res = await app.request('/api/v1/namespaces/demo/rollouts/r/abort', { method: 'POST', headers: auth });
    expect(res.status).toBe(200);
    const stored = await store.get('Rollout', 'demo', 'r');
    expect((stored?.status as { abort?: boolean } | undefined)?.abort).toBe(true);
    const unknown = await app.request('/api/v1/namespaces/demo/rollouts/r/explode', { method: 'POST', headers: auth });
    expect(unknown.status).toBe(404);
  });

  it('streams changes as server-sent events with the resourceVersion as id', async () => {
    const controller = new AbortController();
    const res = await app.request('/api/v1/stream?kinds=Service', { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    await store.create({
      ...(service('s') as { kind: string; apiVersion: string }),
      metadata: { name: 's', namespace: 'demo' },
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toMatch(/event: ADDED\ndata: \{.*"name":"s".*\nid: 1\n/);
  });
});

describe('the token file', () => {
  it('is created with mode 0600 and reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kanary-token-'));
    try {
      const a = loadOrCreateToken(dir);
      expect(statSync(join(dir, 'token')).mode & 0o777).toBe(0o600);
      expect(loadOrCreateToken(dir)).toBe(a);
      expect(a.length).toBeGreaterThanOrEqual(32);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('extensions', () => {
  it('win over the generic resource routes', async () => {
    const store = new MemoryStore();
    const app = createApiApp({
      store,
      token: TOKEN,
      extend: (a) => a.get('/api/v1/sd/prometheus', (c) => c.json([])),
    });
    const res = await app.request('/api/v1/sd/prometheus');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    await store.close();
  });
});
