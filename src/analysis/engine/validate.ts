import { formatFieldPath, IssueList, validateMetric, type Metric } from '../../api/index.js';

/**
 * Argo's ValidateMetrics on the resolved metrics, at run time: the first error as a message, or undefined.
 * "Not supported" providers are left to the provider registry, which records them as Error measurements.
 */
export function firstMetricError(metrics: readonly Metric[]): string | undefined {
  const names = new Set<string>();
  for (const [i, metric] of metrics.entries()) {
    if (names.has(metric.name)) return `two metrics have the same name '${metric.name}'`;
    names.add(metric.name);
    const out = new IssueList();
    validateMetric(metric, ['metrics', i], out);
    const issue = out.issues.find((x) => x.severity === 'error' && x.notSupported !== true);
    if (issue !== undefined) return `${formatFieldPath(issue.path)}: ${issue.message}`;
  }
  return undefined;
}
