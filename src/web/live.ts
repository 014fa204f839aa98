import { useEffect, useRef, useState } from 'react';
import type { KubeObject } from '../api/meta.js';
import { INFO_KINDS, InfoCache, type CacheEvent } from '../info/index.js';
import { getJson } from './api.js';

const PLURAL = { Rollout: 'rollouts', ReplicaSet: 'replicasets', Pod: 'pods', AnalysisRun: 'analysisruns' } as const;

export interface LiveState {
  cache: InfoCache;
  /** Bumps on every change and once a second (ages move), so views re-render. */
  version: number;
  connected: boolean;
  loaded: boolean;
  error: string | undefined;
}

/**
 * Mirrors every Rollout, ReplicaSet, Pod and AnalysisRun: lists them, then follows `/api/v1/stream` (EventSource
 * reconnects by itself and resumes with Last-Event-ID). Re-renders at most four times a second.
 */
export function useLive(): LiveState {
  const cacheRef = useRef(new InfoCache());
  const [version, setVersion] = useState(0);
  const [connected, setConnected] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    const cache = cacheRef.current;
    let source: EventSource | undefined;
    let closed = false;
    let pending = false;
    const bump = (): void => {
      if (pending) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        setVersion((v) => v + 1);
      }, 250);
    };
    const load = async (): Promise<void> => {
      const lists = await Promise.all(
        INFO_KINDS.map((k) =>
          getJson<{ items: KubeObject[]; metadata: { resourceVersion: string } }>(`/api/v1/${PLURAL[k]}`),
        ),
      );
      const since = Math.min(...lists.map((l) => Number(l.metadata.resourceVersion)));
      INFO_KINDS.forEach((k, i) => cache.replace(k, lists[i]?.items ?? [], '0'));
      cache.resourceVersion = String(since);
      setLoaded(true);
      setError(undefined);
      bump();
    };
    const connect = (): void => {
      if (closed) return;
      const q = new URLSearchParams({ kinds: INFO_KINDS.join(','), since: cache.resourceVersion });
      source = new EventSource(`/api/v1/stream?${q.toString()}`);
      source.onopen = () => setConnected(true);
      source.onerror = () => setConnected(false);
      const onEvent = (e: MessageEvent<string>): void => {
        const event: CacheEvent = { type: e.type as CacheEvent['type'], object: JSON.parse(e.data) as KubeObject };
        if (cache.apply(event)) bump();
      };
      for (const t of ['ADDED', 'MODIFIED', 'DELETED']) source.addEventListener(t, onEvent);
      // The server's own "error" event: it cannot resume (GONE); list again and reconnect.
      source.addEventListener('error', (e) => {
        if (!(e instanceof MessageEvent)) return;
        source?.close();
        void load().then(connect, (err: unknown) => setError(String(err)));
      });
    };
    load().then(connect, (err: unknown) => {
      setError(err instanceof Error ? err.message : String(err));
      setTimeout(() => void load().then(connect, () => undefined), 2000);
    });
    const tick = setInterval(() => setVersion((v) => v + 1), 1000);
    return () => {
      closed = true;
      source?.close();
      clearInterval(tick);
    };
  }, []);

  return { cache: cacheRef.current, version, connected, loaded, error };
}

/** The current path, updated on navigation; `navigate` pushes a new one without a reload. */
export function usePath(): [string, (to: string) => void] {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const on = (): void => setPath(window.location.pathname);
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return [
    path,
    (to: string) => {
      window.history.pushState(null, '', to);
      setPath(to);
      window.scrollTo(0, 0);
    },
  ];
}
