import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import type { ConfigMap, KubeObject } from '../api/index.js';
import { MemoryStore } from '../store/index.js';
import { createApiApp } from './app.js';

const TOKEN = 'x'.repeat(43);
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-config' },
  data: { LOG_LEVEL: 'info' },
};

describe('the HTTP API: ConfigMaps', () => {
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
});
