import { useMemo, useState } from 'react';
import type { RolloutInfo, RolloutPhaseName } from '../../info/index.js';
import { StatusBadge } from './StatusBadge.js';

const PHASES: RolloutPhaseName[] = ['Progressing', 'Paused', 'Degraded', 'Healthy'];

/** Every rollout as a card, with status filters (with counts) and a name search. */
export function RolloutList({ infos, open }: { infos: RolloutInfo[]; open: (info: RolloutInfo) => void }) {
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<Set<RolloutPhaseName>>(new Set());
  const counts = useMemo(() => {
    const c = new Map<RolloutPhaseName, number>();
    for (const i of infos) c.set(i.status, (c.get(i.status) ?? 0) + 1);
    return c;
  }, [infos]);
  const q = query.trim().toLowerCase();
  const shown = infos.filter(
    (i) =>
      (filters.size === 0 || filters.has(i.status)) &&
      (q === '' || `${i.namespace}/${i.name}`.toLowerCase().includes(q)),
  );
  const toggle = (p: RolloutPhaseName): void => {
    const next = new Set(filters);
    if (next.has(p)) next.delete(p);
    else next.add(p);
    setFilters(next);
  };
  return (
    <main className="page" aria-labelledby="list-title">
      <div className="page-head">
        <h1 id="list-title">Rollouts</h1>
        <span className="muted">{infos.length} total</span>
      </div>
      <div className="toolbar" role="search">
        <input
          type="search"
          className="search"
          placeholder="Search by name or namespace"
          aria-label="Search rollouts"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <div className="filters" role="group" aria-label="Filter by status">
          {PHASES.map((p) => (
            <button
              key={p}
              type="button"
              className={`chip chip-${p.toLowerCase()}`}
              aria-pressed={filters.has(p)}
              onClick={() => toggle(p)}
            >
              {p} <span className="chip-count">{counts.get(p) ?? 0}</span>
            </button>
          ))}
        </div>
      </div>
      {shown.length === 0 ? (
        <p className="empty">
          {infos.length === 0
            ? 'No rollouts yet. Apply one with `kanary apply -f rollout.yaml`.'
            : 'No rollout matches.'}
        </p>
      ) : (
        <ul className="cards">
          {shown.map((i) => (
            <li key={`${i.namespace}/${i.name}`}>
              <a
                className="card rollout-card"
                href={`/rollouts/${encodeURIComponent(i.namespace)}/${encodeURIComponent(i.name)}`}
                onClick={(e) => {
                  e.preventDefault();
                  open(i);
                }}
                aria-label={`Rollout ${i.name} in ${i.namespace}: ${i.status}`}
              >
                <div className="card-head">
                  <span className="rollout-name">{i.name}</span>
                  <StatusBadge status={i.status} icon={i.icon} />
                </div>
                <div className="muted small">{i.namespace}</div>
                <dl className="facts">
                  <div>
                    <dt>Step</dt>
                    <dd>{i.step ?? '–'}</dd>
                  </div>
                  <div>
                    <dt>Weight</dt>
                    <dd>
                      {i.actualWeight}% <span className="muted">/ {i.setWeight}%</span>
                    </dd>
                  </div>
                  <div>
                    <dt>Ready</dt>
                    <dd>
                      {i.replicas.ready}/{i.replicas.desired}
                    </dd>
                  </div>
                </dl>
                {i.message !== '' && <p className="card-message">{i.message}</p>}
              </a>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
