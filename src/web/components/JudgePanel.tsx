import type { JudgeArmResult, JudgeMetricInfo, JudgeVerdict, MetricInfo, Tone } from '../../info/index.js';
import { formatEvidence } from '../../info/index.js';
import { JudgeChart } from './JudgeChart.js';

const VERDICT_TONE: Record<JudgeVerdict, Tone> = { fail: 'bad', pass: 'ok', continue: 'progress' };

function percent(rate: number | null): string {
  return rate === null ? '–' : `${(100 * rate).toFixed(rate !== 0 && rate < 0.001 ? 2 : 1)}%`;
}

/**
 * A judge metric (docs/judge.md): its verdict, the evidence against the threshold 1/α, the latest result in words,
 * the evidence over time, and each arm's counts since the baseline.
 */
export function JudgePanel({ metric, judge }: { metric: MetricInfo; judge: JudgeMetricInfo }) {
  const latest = judge.latest;
  const reached = latest !== undefined && latest.eValue >= latest.threshold;
  const newest = metric.measurements.at(-1);
  const stale = newest !== undefined && newest.judge === undefined && newest.phase === 'Error';
  const latency = latest !== undefined && (latest.canary.meanLatencyMs ?? latest.stable.meanLatencyMs) !== null;
  return (
    <div className="judge">
      <p className="judge-verdict">
        {latest === undefined ? (
          <span className="badge tone-muted" data-verdict="none">
            Verdict: none yet
          </span>
        ) : (
          <span className={`badge tone-${VERDICT_TONE[latest.verdict]}`} data-verdict={latest.verdict}>
            Verdict: {latest.verdict}
          </span>
        )}
        <span className="muted small">
          {latest === undefined
            ? `evidence starts at 1 and fails the canary at ${formatEvidence(judge.threshold)} (1/α)`
            : `evidence ${formatEvidence(latest.eValue)} ${reached ? '≥' : '<'} ${formatEvidence(latest.threshold)} ` +
              `(1/α) · peak ${formatEvidence(judge.peakEValue ?? latest.eValue)} · α = ${Number(judge.alpha.toPrecision(3))}`}
        </span>
      </p>
      {judge.summary !== undefined && (
        <p className={`message ${latest?.verdict === 'fail' ? 'message-bad' : ''}`} data-testid="judge-summary">
          {judge.summary}
        </p>
      )}
      {stale && (
        <p className="muted small" role="status">
          The latest measurement failed{newest.message !== undefined ? `: ${newest.message}` : ''}; the evidence above
          is carried forward.
        </p>
      )}
      <JudgeChart metric={metric} judge={judge} />
      {latest !== undefined && (
        <table className="table compact judge-arms" aria-label={`${metric.name}: counts since the baseline`}>
          <thead>
            <tr>
              <th scope="col">Arm</th>
              <th scope="col">Requests</th>
              <th scope="col">Errors</th>
              <th scope="col">Error rate</th>
              {latency && <th scope="col">Mean latency</th>}
            </tr>
          </thead>
          <tbody>
            <Arm label="Canary" tone="canary" arm={latest.canary} latency={latency} />
            <Arm label="Stable" tone="stable" arm={latest.stable} latency={latency} />
          </tbody>
        </table>
      )}
    </div>
  );
}

function Arm({ label, tone, arm, latency }: { label: string; tone: string; arm: JudgeArmResult; latency: boolean }) {
  return (
    <tr>
      <th scope="row">
        <span className={`dot dot-${tone}`} aria-hidden="true" />
        {label}
      </th>
      <td>{arm.requests.toLocaleString('en-US')}</td>
      <td>{arm.errors.toLocaleString('en-US')}</td>
      <td>{percent(arm.errorRate)}</td>
      {latency && <td>{arm.meanLatencyMs === null ? '–' : `${Math.round(arm.meanLatencyMs)} ms`}</td>}
    </tr>
  );
}
