import { useEffect, useState } from 'react';
import { RolloutList } from './components/RolloutList.js';
import { RolloutPage } from './components/RolloutPage.js';
import { useLive, usePath } from './live.js';

/** Two pages: `/` (every rollout) and `/rollouts/:namespace/:name`. */
export function App() {
  const live = useLive();
  const [path, navigate] = usePath();
  const [toast, setToast] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (toast === undefined) return;
    const t = setTimeout(() => setToast(undefined), 5000);
    return () => clearTimeout(t);
  }, [toast]);
  const now = Date.now();
  const m = /^\/rollouts\/([^/]+)\/([^/]+)\/?$/.exec(path);
  let body;
  if (!live.loaded) {
    body = (
      <main className="page">
        <p className="muted">{live.error ?? 'Loading…'}</p>
      </main>
    );
  } else if (m?.[1] !== undefined && m[2] !== undefined) {
    const info = live.cache.info(decodeURIComponent(m[1]), decodeURIComponent(m[2]), now);
    body =
      info === undefined ? (
        <main className="page">
          <p className="empty">This rollout does not exist (any more).</p>
          <button type="button" className="btn" onClick={() => navigate('/')}>
            Back to all rollouts
          </button>
        </main>
      ) : (
        <RolloutPage info={info} back={() => navigate('/')} notify={setToast} />
      );
  } else {
    body = (
      <RolloutList
        infos={live.cache.infos(now)}
        open={(i) => navigate(`/rollouts/${encodeURIComponent(i.namespace)}/${encodeURIComponent(i.name)}`)}
      />
    );
  }
  return (
    <>
      <header className="topbar">
        <a
          className="brand"
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          Kanary
        </a>
        <span className={`live ${live.connected ? 'live-on' : ''}`} role="status">
          {live.connected ? 'Live' : 'Connecting…'}
        </span>
      </header>
      {body}
      <div className="toast-region" role="status" aria-live="polite">
        {toast !== undefined && <div className="toast">{toast}</div>}
      </div>
    </>
  );
}
