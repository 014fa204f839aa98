import type { KubeObject } from '../../../api/index.js';
import type { KanaryClient } from '../../../client/index.js';
import { INFO_KINDS, InfoCache, type CacheEvent } from '../../../info/index.js';
import { readSse } from './sse.js';

/**
 * Keeps an InfoCache of one namespace (or all) current: lists the four kinds, then follows the server's SSE stream
 * from the list's version, re-listing when the stream ends or reports an error. `onChange` hears every change.
 */
export class ClusterWatcher {
  readonly cache = new InfoCache();
  readonly #abort = new AbortController();

  constructor(
    private readonly client: KanaryClient,
    private readonly namespace: string | undefined,
    private readonly onChange: () => void,
  ) {}

  /** Lists once; call `follow()` afterwards to stay current. */
  async load(): Promise<void> {
    const resource = { Rollout: 'rollouts', ReplicaSet: 'replicasets', Pod: 'pods', AnalysisRun: 'analysisruns' };
    const lists = await Promise.all(
      INFO_KINDS.map((kind) =>
        this.client.request<{ items: KubeObject[]; metadata: { resourceVersion: string } }>(
          'GET',
          this.namespace === undefined
            ? `/api/v1/${resource[kind]}`
            : `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/${resource[kind]}`,
        ),
      ),
    );
    // Resume from the oldest list so nothing between the lists is missed; the cache drops stale repeats.
    const since = lists.reduce((min, l) => Math.min(min, Number(l.metadata.resourceVersion)), Number.MAX_SAFE_INTEGER);
    INFO_KINDS.forEach((kind, i) => {
      this.cache.replace(kind, lists[i]?.items ?? [], '0', this.namespace);
    });
    this.cache.resourceVersion = String(since);
    this.onChange();
  }

  /** Follows the stream until `stop()`; reconnects (re-listing first) after an error, one second apart. */
  async follow(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      const q = new URLSearchParams({ kinds: INFO_KINDS.join(','), since: this.cache.resourceVersion });
      if (this.namespace !== undefined) q.set('namespace', this.namespace);
      const state = { relist: false };
      try {
        await readSse(
          `${this.client.url}/api/v1/stream?${q.toString()}`,
          (m) => {
            if (m.event === 'error') {
              state.relist = true;
              return;
            }
            if (m.event !== 'ADDED' && m.event !== 'MODIFIED' && m.event !== 'DELETED') return;
            const event: CacheEvent = { type: m.event, object: JSON.parse(m.data) as KubeObject };
            if (this.cache.apply(event)) this.onChange();
          },
          signal,
        );
      } catch {
        state.relist = true;
      }
      if (this.#abort.signal.aborted) return; // stopped while reading
      await new Promise((r) => setTimeout(r, state.relist ? 1000 : 200));
      if (state.relist) await this.load().catch(() => undefined);
    }
  }

  stop(): void {
    this.#abort.abort();
  }
}

/**
 * Calls `draw` at most once per `intervalMs` (leading and trailing), so a burst of events paints one frame.
 */
export function throttle(draw: () => void, intervalMs: number): { request: () => void; cancel: () => void } {
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  const run = (): void => {
    timer = undefined;
    last = Date.now();
    draw();
  };
  return {
    request: () => {
      if (timer !== undefined) return;
      const wait = Math.max(0, last + intervalMs - Date.now());
      timer = setTimeout(run, wait);
    },
    cancel: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
