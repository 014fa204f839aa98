/**
 * The judge's result in words, for `kanary analyze` and the dashboard: one line with the rates, the traffic and
 * the evidence against its threshold, ending with what that means.
 */
import type { JudgeArmResult, JudgeResult } from './result.js';

function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${(100 * rate).toFixed(1)}%`;
}

/** 1,234 for large values, 1.8 or 0.42 for small ones, 3.2e+12 beyond a million. */
export function formatEvidence(x: number): string {
  if (!Number.isFinite(x) || x >= 1e6) return x.toExponential(1);
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 1) return x.toFixed(1).replace(/\.0$/, '');
  return x.toPrecision(2);
}

function latencyClause(canary: JudgeArmResult, stable: JudgeArmResult): string {
  if (canary.meanLatencyMs === null || stable.meanLatencyMs === null) return '';
  return `; mean latency ${canary.meanLatencyMs.toFixed(0)} ms vs ${stable.meanLatencyMs.toFixed(0)} ms`;
}

function conclusion(result: JudgeResult): string {
  switch (result.verdict) {
    case 'fail':
      return result.cause === 'latency' ? 'the canary is slower' : 'the canary is worse';
    case 'pass':
      return 'no sign that the canary is worse so far';
    case 'continue':
      return 'not enough traffic to say yet';
  }
}

/**
 * E.g. "canary error rate 48.0% vs stable 0.4% over 212 vs 208 requests; evidence 1,234 ≥ 20 (1/α): the canary
 * is worse".
 */
export function describeJudgeResult(result: JudgeResult): string {
  const { canary, stable } = result;
  const evidence =
    `evidence ${formatEvidence(result.eValue)} ${result.eValue >= result.threshold ? '≥' : '<'} ` +
    `${formatEvidence(result.threshold)} (1/α)`;
  if (canary.requests === 0 && stable.requests === 0) {
    return `no traffic seen yet on either arm; ${evidence}: ${conclusion(result)}`;
  }
  return (
    `canary error rate ${percent(canary.errorRate)} vs stable ${percent(stable.errorRate)} over ` +
    `${canary.requests.toLocaleString('en-US')} vs ${stable.requests.toLocaleString('en-US')} requests` +
    `${latencyClause(canary, stable)}; ${evidence}: ${conclusion(result)}`
  );
}

function isArm(x: unknown): x is JudgeArmResult {
  if (typeof x !== 'object' || x === null) return false;
  const a = x as Record<string, unknown>;
  return typeof a.requests === 'number' && typeof a.errors === 'number';
}

/** Reads a judge measurement's `value` back; undefined when it is not a judge result. */
export function parseJudgeResult(value: string | undefined): JudgeResult | undefined {
  if (value === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const r = json as Record<string, unknown>;
  const verdictOk = r.verdict === 'pass' || r.verdict === 'fail' || r.verdict === 'continue';
  if (!verdictOk || typeof r.eValue !== 'number' || typeof r.threshold !== 'number') return undefined;
  if (!isArm(r.canary) || !isArm(r.stable)) return undefined;
  return json as JudgeResult;
}
