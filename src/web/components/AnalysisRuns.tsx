import { humanDuration, type AnalysisRunInfo } from '../../info/index.js';
import { JudgePanel } from './JudgePanel.js';
import { MetricChart } from './MetricChart.js';
import { StatusBadge } from './StatusBadge.js';

/** Every AnalysisRun of the rollout, newest first, each metric with its chart, conditions and counts. */
export function AnalysisRuns({ runs }: { runs: AnalysisRunInfo[] }) {
  return (
    <section className="card" aria-labelledby="analysis-title">
      <h2 id="analysis-title">Analysis runs</h2>
      {runs.length === 0 && <p className="muted">No analysis has run for this rollout.</p>}
      {runs.map((run) => (
        <article key={run.name} className="analysis-run" aria-label={`AnalysisRun ${run.name}`}>
          <div className="rs-line">
            <span className="mono">{run.name}</span>
            <StatusBadge status={run.status} icon={run.icon} />
            <span className="muted small">
              revision {run.revision}
              {run.type !== undefined ? ` · ${run.type.toLowerCase()}` : ''} · {humanDuration(run.ageSeconds)}
            </span>
          </div>
          {run.message !== undefined && <p className="message">{run.message}</p>}
          <div className="metrics">
            {run.metrics.map((m) => (
              <div key={m.name} className={m.judge !== undefined ? 'metric metric-wide' : 'metric'}>
                <div className="metric-head">
                  <h3>{m.name}</h3>
                  <span className="muted small">
                    {m.phase} · ✔ {m.successful} · ✖ {m.failed}
                    {m.inconclusive > 0 ? ` · ? ${m.inconclusive}` : ''}
                    {m.error > 0 ? ` · ⚠ ${m.error}` : ''}
                  </span>
                </div>
                {m.judge !== undefined ? <JudgePanel metric={m} judge={m.judge} /> : <MetricChart metric={m} />}
                <dl className="conditions">
                  {m.successCondition !== undefined && (
                    <div>
                      <dt>Success</dt>
                      <dd className="mono">{m.successCondition}</dd>
                    </div>
                  )}
                  {m.failureCondition !== undefined && (
                    <div>
                      <dt>Failure</dt>
                      <dd className="mono">{m.failureCondition}</dd>
                    </div>
                  )}
                  <div>
                    <dt>Limits</dt>
                    <dd>
                      failure limit {m.failureLimit ?? '0'}
                      {m.interval !== undefined ? ` · every ${m.interval}` : ''}
                      {m.count !== undefined ? ` · ${m.count} measurements` : ''}
                    </dd>
                  </div>
                </dl>
              </div>
            ))}
          </div>
        </article>
      ))}
    </section>
  );
}
