import type { DemoReport, RolloutOutcome } from './story.js';

const ANALYSIS_BY: Record<DemoReport['source'], string> = {
  prometheus: "the seed's PromQL on Prometheus",
  router: 'the router provider',
  judge: "the judge, canary vs stable from the router's counters",
};

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function splitLines(outcome: RolloutOutcome): string[] {
  if (outcome.splits.length === 0) return ['    (no whole second at a steady weight)'];
  return outcome.splits.map(
    (s) =>
      `    weight ${String(s.weight).padStart(3)}%: canary ${pct(s.share).padStart(6)} of ${String(s.stable + s.canary).padStart(4)} responses ` +
      `(stable ${s.stable}, canary ${s.canary}; expected ${s.weight}% ± ${pct(s.bound)}) ${s.ok ? 'ok' : 'OUT OF BOUND'}`,
  );
}

/** The closing summary: time to detect, failed requests users saw, traffic split achieved per step. */
export function renderReport(report: DemoReport): string {
  const lines: string[] = ['', 'Summary'];
  lines.push(`  demo time: ${seconds(report.totalMs)} (analysis by ${ANALYSIS_BY[report.source]})`);
  const g = report.good;
  if (g !== undefined) {
    const m = g.load.metrics;
    lines.push(`  good version (revision ${g.revision}): ${g.phase}`);
    lines.push(
      `    load: ${m.http_reqs.count} requests, checks ${pct(m.checks.rate)}, failed ${m.http_req_failed.passes}, ` +
        `p95 ${m.http_req_duration['p(95)'].toFixed(1)} ms, thresholds ${g.load.thresholdsPassed ? 'passed' : 'FAILED'}`,
    );
    lines.push('    traffic split per step (responses naming their track):');
    lines.push(...splitLines(g));
  }
  const f = report.faulty;
  if (f !== undefined) {
    const m = f.load.metrics;
    lines.push(`  faulty version (revision ${f.revision}): ${f.phase}`);
    if (f.message !== '') lines.push(`    ${f.message}`);
    lines.push(
      `    time to detect: ${seconds(f.detectMs)} after it first got traffic, ${seconds(f.detectAfterAnalysisMs)} after the promote started the analysis`,
    );
    if (f.judgeExplanation !== undefined) lines.push(`    the judge: ${f.judgeExplanation}`);
    lines.push(
      `    failed requests users saw: ${f.failedBeforeAbort} of ${m.http_reqs.count} (${pct(m.http_req_failed.rate)}) before the abort, ${f.failedAfterAbort} after`,
    );
  }
  lines.push(report.ok ? '  result: the story went as expected' : '  result: NOT as expected:');
  for (const p of report.problems) lines.push(`    - ${p}`);
  return lines.join('\n');
}
