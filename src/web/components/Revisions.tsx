import { humanDuration, type RevisionInfo } from '../../info/index.js';
import { StatusBadge } from './StatusBadge.js';

/** Revisions newest first: their ReplicaSets (with role, counts and pods) and a rollback button on old ones. */
export function Revisions({
  revisions,
  onRollback,
}: {
  revisions: RevisionInfo[];
  onRollback: (revision: number) => void;
}) {
  return (
    <section className="card" aria-labelledby="revisions-title">
      <h2 id="revisions-title">Revisions</h2>
      {revisions.length === 0 && <p className="muted">No ReplicaSets yet.</p>}
      <ol className="revisions">
        {revisions.map((rev) => (
          <li key={rev.revision} className="revision">
            <div className="revision-head">
              <h3>Revision {rev.revision}</h3>
              {rev.stable && <span className="tag tag-stable">stable</span>}
              {rev.current && !rev.stable && <span className="tag tag-canary">canary</span>}
              {!rev.current && !rev.stable && (
                <button type="button" className="btn btn-small" onClick={() => onRollback(rev.revision)}>
                  Rollback to revision {rev.revision}
                </button>
              )}
            </div>
            {rev.replicaSets.map((rs) => (
              <div key={rs.name} className="replicaset">
                <div className="rs-line">
                  <span className="mono">{rs.name}</span>
                  <StatusBadge status={rs.status} icon={rs.icon} />
                  <span className="muted small">
                    {rs.replicas.available}/{rs.replicas.desired} available · {humanDuration(rs.ageSeconds)}
                    {rs.scaleDownDelay !== undefined ? ` · ${rs.scaleDownDelay}` : ''}
                  </span>
                </div>
                <div className="muted small mono wrap">{rs.images.join(', ')}</div>
                {rs.pods.length > 0 && (
                  <ul className="pods" aria-label={`Pods of ${rs.name}`}>
                    {rs.pods.map((p) => (
                      <li
                        key={p.name}
                        className={`pod pod-${p.status.toLowerCase()}`}
                        title={`${p.name}: ${p.status}, ready ${p.ready}, restarts ${p.restarts}, age ${humanDuration(p.ageSeconds)}`}
                      >
                        <span className="mono">{p.name}</span>
                        <span className="muted small">
                          {p.status} · ready {p.ready}
                          {p.restarts > 0 ? ` · restarts ${p.restarts}` : ''} · {humanDuration(p.ageSeconds)}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            ))}
          </li>
        ))}
      </ol>
    </section>
  );
}
