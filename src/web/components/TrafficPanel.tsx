import { useEffect, useState } from 'react';
import { getTraffic, type Traffic, type TrafficSide } from '../api.js';

/** Canary vs stable as the router sees them, refreshed every two seconds. */
export function TrafficPanel({ namespace, name }: { namespace: string; name: string }) {
  const [traffic, setTraffic] = useState<Traffic | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const poll = (): void => {
      getTraffic(namespace, name).then(
        (t) => live && setTraffic(t),
        () => live && setTraffic(null),
      );
    };
    poll();
    const timer = setInterval(poll, 2000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [namespace, name]);
  return (
    <section className="card" aria-labelledby="traffic-title">
      <h2 id="traffic-title">
        Live traffic{traffic ? <span className="muted small"> · last {traffic.window}</span> : null}
      </h2>
      {traffic === undefined ? (
        <p className="muted">Loading…</p>
      ) : traffic === null ? (
        <p className="muted">No traffic data</p>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col"></th>
              <th scope="col">Requests/s</th>
              <th scope="col">Error rate</th>
              <th scope="col">p99 latency</th>
            </tr>
          </thead>
          <tbody>
            <Row label="Canary" side={traffic.canary} tone="canary" />
            <Row label="Stable" side={traffic.stable} tone="stable" />
          </tbody>
        </table>
      )}
    </section>
  );
}

function Row({ label, side, tone }: { label: string; side: TrafficSide | null; tone: string }) {
  return (
    <tr>
      <th scope="row">
        <span className={`dot dot-${tone}`} aria-hidden="true" />
        {label}
      </th>
      <td>{side === null ? '–' : side.rps.toFixed(1)}</td>
      <td className={side !== null && side.errorRate > 0.01 ? 'text-bad' : undefined}>
        {side === null ? '–' : `${(side.errorRate * 100).toFixed(2)}%`}
      </td>
      <td>{side?.p99Ms == null ? '–' : `${Math.round(side.p99Ms)} ms`}</td>
    </tr>
  );
}
