import type { Hono } from 'hono';
import type { Rollout } from '../api/index.js';
import { KanaryError } from '../common/index.js';
import { abort, pause, promote, restart, resume, retry, setImage, undo } from '../operations/index.js';
import type { ResourceStore } from '../store/index.js';

/** The body each operation accepts; every field is optional unless the operation says otherwise. */
interface OperationBody {
  full?: boolean;
  container?: string;
  image?: string;
  toRevision?: number;
  inSeconds?: number;
}

type Operation = (store: ResourceStore, ns: string, name: string, body: OperationBody) => Promise<Rollout>;

/**
 * The rollout operations of the API, `POST /api/v1/namespaces/:ns/rollouts/:name/:operation`, each a thin call into
 * `src/operations` (which writes intent; the controller acts). They answer with the Rollout as stored.
 */
export const OPERATIONS: Record<string, Operation> = {
  promote: (s, ns, n, b) => promote(s, ns, n, { full: b.full === true }),
  abort: (s, ns, n) => abort(s, ns, n),
  retry: (s, ns, n) => retry(s, ns, n),
  pause: (s, ns, n) => pause(s, ns, n),
  resume: (s, ns, n) => resume(s, ns, n),
  undo: (s, ns, n, b) => undo(s, ns, n, { toRevision: b.toRevision }),
  restart: (s, ns, n, b, now = Date.now()) => restart(s, ns, n, { now, inMs: (b.inSeconds ?? 0) * 1000 }),
  'set-image': (s, ns, n, b) => {
    if (b.container === undefined || b.image === undefined) {
      throw new KanaryError('BAD_USAGE', 'set-image needs "container" and "image" in the body');
    }
    return setImage(s, ns, n, b.container, b.image);
  },
};

export function mountOperations(app: Hono, store: ResourceStore): void {
  app.post('/api/v1/namespaces/:ns/rollouts/:name/:operation', async (c) => {
    const name = c.req.param('operation');
    const op = OPERATIONS[name];
    if (op === undefined) {
      throw new KanaryError(
        'NOT_FOUND',
        `unknown rollout operation "${name}"; known: ${Object.keys(OPERATIONS).join(', ')}`,
      );
    }
    const text = await c.req.text();
    let body: OperationBody = {};
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text) as OperationBody;
      } catch {
        throw new KanaryError('BAD_USAGE', `the body of ${name} is not JSON`);
      }
    }
    return c.json(await op(store, c.req.param('ns'), c.req.param('name'), body));
  });
}
