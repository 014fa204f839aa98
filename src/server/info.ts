import type { Hono } from 'hono';
import type { AnalysisRun, Pod, ReplicaSet, Rollout } from '../api/index.js';
import { KanaryError } from '../common/index.js';
import { toRolloutInfo, type RolloutInfo } from '../info/index.js';
import type { ResourceStore } from '../store/index.js';

/**
 * The view-model routes: `GET /api/v1/namespaces/:ns/rolloutinfos[/:name]` and `GET /api/v1/rolloutinfos` (every
 * namespace) answer with `RolloutInfo`s built by `toRolloutInfo` at the server's clock.
 *
 * Hono runs matching handlers in registration order, and `createApiApp`'s generic `/namespaces/:ns/:resource` route
 * would answer first (with "unknown resource"), so these routes must be registered BEFORE it: mount them on an
 * outer app and route the API app under it (`mountInfo(outer, store); outer.route('/', createApiApp(...))`), or
 * call `mountInfo` at the top of `createApiApp`. Errors are answered here (404 JSON) so no outer onError is needed.
 */
export function mountInfo(app: Hono, store: ResourceStore, now: () => number = Date.now): void {
  app.get('/api/v1/namespaces/:ns/rolloutinfos', async (c) =>
    c.json({ items: await rolloutInfos(store, c.req.param('ns'), now()) }),
  );
  app.get('/api/v1/rolloutinfos', async (c) => c.json({ items: await rolloutInfos(store, undefined, now()) }));
  app.get('/api/v1/namespaces/:ns/rolloutinfos/:name', async (c) => {
    const ns = c.req.param('ns');
    const name = c.req.param('name');
    const info = await rolloutInfo(store, ns, name, now());
    if (info === undefined) {
      const e = new KanaryError('NOT_FOUND', `Rollout "${name}" not found in namespace "${ns}"`);
      return c.json({ code: e.code, message: e.message }, 404);
    }
    return c.json(info);
  });
}

/** Every Rollout's view model in a namespace (all namespaces when undefined), sorted by namespace and name. */
export async function rolloutInfos(
  store: ResourceStore,
  namespace: string | undefined,
  now: number,
): Promise<RolloutInfo[]> {
  const opts = namespace === undefined ? {} : { namespace };
  const [rollouts, rs, pods, runs] = await Promise.all([
    store.list<Rollout>('Rollout', opts),
    store.list<ReplicaSet>('ReplicaSet', opts),
    store.list<Pod>('Pod', opts),
    store.list<AnalysisRun>('AnalysisRun', opts),
  ]);
  const inNs = <T extends { metadata: { namespace?: string } }>(items: T[], ns: string | undefined): T[] =>
    items.filter((o) => (o.metadata.namespace ?? '') === (ns ?? ''));
  return rollouts.items
    .map((ro) => {
      const ns = ro.metadata.namespace;
      return toRolloutInfo(ro, inNs(rs.items, ns), inNs(pods.items, ns), inNs(runs.items, ns), now);
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

export async function rolloutInfo(
  store: ResourceStore,
  namespace: string,
  name: string,
  now: number,
): Promise<RolloutInfo | undefined> {
  const ro = await store.get<Rollout>('Rollout', namespace, name);
  if (ro === undefined) return undefined;
  const opts = { namespace };
  const [rs, pods, runs] = await Promise.all([
    store.list<ReplicaSet>('ReplicaSet', opts),
    store.list<Pod>('Pod', opts),
    store.list<AnalysisRun>('AnalysisRun', opts),
  ]);
  return toRolloutInfo(ro, rs.items, pods.items, runs.items, now);
}
