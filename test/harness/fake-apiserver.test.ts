import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from './fake-apiserver.js';

/** The FAKE API server's own REST semantics, checked over plain HTTP (fetch), independent of Kanary's client. */
describe('FakeApiServer (a fake, for tests only)', () => {
  let fake: FakeApiServer;
  beforeEach(async () => {
    fake = await FakeApiServer.start({ historyLimit: 5, bookmarkIntervalMs: 0 });
  });
  afterEach(async () => {
    await fake.close();
  });

  const RS = '/apis/apps/v1/namespaces/shop/replicasets';

  async function call(
    method: string,
    path: string,
    body?: unknown,
    type = 'application/json',
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: { 'content-type': type },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const rs = (name: string, replicas = 1): Record<string, unknown> => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, labels: { app: 'web' } },
    spec: { replicas },
  });

  it('creates, conflicts on a taken name, and answers Kubernetes Status bodies', async () => {
    const created = await call('POST', RS, rs('a'));
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ name: 'a', namespace: 'shop', generation: 1 });
    const again = await call('POST', RS, rs('a'));
    expect(again).toMatchObject({
      status: 409,
      body: { kind: 'Status', status: 'Failure', reason: 'AlreadyExists', code: 409 },
    });
    const missing = await call('GET', `${RS}/nope`);
    expect(missing).toMatchObject({ status: 404, body: { kind: 'Status', reason: 'NotFound', code: 404 } });
    const invalid = await call('POST', RS, rs('Bad_Name'));
    expect(invalid).toMatchObject({ status: 422, body: { reason: 'Invalid' } });
  });

  it('lists builtin kinds without kind/apiVersion on items, with a resourceVersion and a label selector', async () => {
    await call('POST', RS, rs('b'));
    await call('POST', RS, { ...rs('a'), metadata: { name: 'a', labels: { app: 'db' } } });
    const list = await call('GET', `${RS}?labelSelector=app%3Dweb`);
    expect(
      (list.body.items as { metadata: { name: string }; kind?: string }[]).map((i) => [i.metadata.name, i.kind]),
    ).toEqual([['b', undefined]]);
    expect((list.body.metadata as { resourceVersion: string }).resourceVersion).toBe(fake.resourceVersion);
  });

  it('updates with optimistic concurrency, ignores status on the main resource, writes it on /status', async () => {
    const a = (await call('POST', RS, rs('a'))).body as { metadata: { resourceVersion: string } };
    const stale = { ...rs('a', 2), metadata: { name: 'a', resourceVersion: '1' } };
    expect((await call('PUT', `${RS}/a`, stale)).status).toBe(409);
    const put = await call('PUT', `${RS}/a`, {
      ...rs('a', 2),
      metadata: { name: 'a', resourceVersion: a.metadata.resourceVersion },
      status: { replicas: 9 },
    });
    expect(put.body).toMatchObject({ spec: { replicas: 2 }, metadata: { generation: 2 } });
    expect(put.body.status).toBeUndefined();
    const status = await call('PUT', `${RS}/a/status`, { ...rs('a', 5), status: { replicas: 2 } });
    expect(status.body).toMatchObject({ spec: { replicas: 2 }, status: { replicas: 2 }, metadata: { generation: 2 } });
  });

  it.each([
    ['merge patch', 'application/merge-patch+json', { spec: { replicas: 3 }, metadata: { labels: { app: null } } }],
    [
      'strategic merge patch (as merge)',
      'application/strategic-merge-patch+json',
      { spec: { replicas: 3 }, metadata: { labels: { app: null } } },
    ],
    [
      'JSON patch',
      'application/json-patch+json',
      [
        { op: 'test', path: '/spec/replicas', value: 1 },
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'remove', path: '/metadata/labels/app' },
      ],
    ],
  ])('applies a %s', async (_what, type, patch) => {
    await call('POST', RS, rs('a'));
    const res = await call('PATCH', `${RS}/a`, patch, type);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ spec: { replicas: 3 }, metadata: { labels: {} } });
  });

  it('fails a JSON patch whose test op fails, and a merge patch with a stale resourceVersion', async () => {
    await call('POST', RS, rs('a'));
    const failed = await call(
      'PATCH',
      `${RS}/a`,
      [{ op: 'test', path: '/spec/replicas', value: 7 }],
      'application/json-patch+json',
    );
    expect(failed.status).toBe(422);
    const stale = await call(
      'PATCH',
      `${RS}/a`,
      { metadata: { resourceVersion: '1' }, spec: { replicas: 2 } },
      'application/merge-patch+json',
    );
    expect(stale.status).toBe(409);
  });

  it('deletes with a resourceVersion precondition', async () => {
    await call('POST', RS, rs('a'));
    const refused = await call('DELETE', `${RS}/a`, { kind: 'DeleteOptions', preconditions: { resourceVersion: '1' } });
    expect(refused.status).toBe(409);
    expect((await call('DELETE', `${RS}/a`)).status).toBe(200);
    expect((await call('GET', `${RS}/a`)).status).toBe(404);
  });

  async function watchLines(query: string, count: number): Promise<Record<string, unknown>[]> {
    const controller = new AbortController();
    const res = await fetch(`${fake.url}${RS}?watch=true&${query}`, { signal: controller.signal });
    const reader = res.body?.getReader();
    let text = '';
    const lines: Record<string, unknown>[] = [];
    while (reader && lines.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
      const parts = text.split('\n');
      text = parts.pop() ?? '';
      for (const p of parts) if (p !== '') lines.push(JSON.parse(p) as Record<string, unknown>);
    }
    controller.abort();
    return lines;
  }

  it('replays a watch from a version, sends bookmarks, and answers 410 Expired when the version is compacted', async () => {
    const a = (await call('POST', RS, rs('a'))).body as { metadata: { resourceVersion: string } };
    await call('PATCH', `${RS}/a`, { spec: { replicas: 2 } }, 'application/merge-patch+json');
    const replay = watchLines(`resourceVersion=${a.metadata.resourceVersion}&allowWatchBookmarks=true`, 2);
    await new Promise((r) => setTimeout(r, 50));
    fake.bookmark();
    const lines = await replay;
    expect(lines.map((l) => l.type)).toEqual(['MODIFIED', 'BOOKMARK']);
    for (let i = 0; i < 6; i++)
      await call('PATCH', `${RS}/a`, { spec: { replicas: i + 3 } }, 'application/merge-patch+json');
    const gone = await watchLines(`resourceVersion=${a.metadata.resourceVersion}`, 1);
    expect(gone[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });
});
