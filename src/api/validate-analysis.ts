import type {
  AnalysisRunSpec,
  AnalysisTemplateSpec,
  Argument,
  Metric,
  MetricProviderName,
  PrometheusProvider,
  WebProvider,
} from './analysis.js';
import { METRIC_PROVIDER_NAMES } from './analysis.js';
import { tryParseDuration } from './duration.js';
import { type FieldPath, IssueList, isTemplated, resolveIntOrString } from './issues.js';

/**
 * Argo's analysis validation (`ValidateAnalysisTemplateSpec`, `ValidateMetric`), plus Kanary's "not supported
 * yet" for providers it does not run.
 */

/** Providers Kanary runs; the other Argo providers are accepted by the schema and rejected here. */
export const SUPPORTED_METRIC_PROVIDERS: readonly MetricProviderName[] = [
  'prometheus',
  'web',
  'job',
  'router',
  'judge',
];

const LIMITS = ['failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'consecutiveSuccessLimit'] as const;

export function validateAnalysisTemplateSpec(spec: AnalysisTemplateSpec, path: FieldPath, out: IssueList): void {
  const metrics = spec.metrics ?? [];
  if (metrics.length === 0 && (spec.templates ?? []).length === 0) {
    out.error([...path, 'metrics'], 'no metrics specified: add at least one metric or a nested template');
  }
  validateMetrics(metrics, [...path, 'metrics'], out);
  validateArguments(spec.args, [...path, 'args'], out);
  (spec.templates ?? []).forEach((t, i) => {
    if (t.templateName === '') out.error([...path, 'templates', i, 'templateName'], 'templateName must not be empty');
  });
  const canCheckNames = (spec.templates ?? []).length === 0;
  validateMetricNameRefs(spec, metrics, path, canCheckNames, out);
}

export function validateAnalysisRunSpec(spec: AnalysisRunSpec, path: FieldPath, out: IssueList): void {
  if (spec.metrics.length === 0) out.error([...path, 'metrics'], 'no metrics specified');
  validateMetrics(spec.metrics, [...path, 'metrics'], out);
  validateArguments(spec.args, [...path, 'args'], out);
  validateMetricNameRefs(spec, spec.metrics, path, true, out);
  const ttl = spec.ttlStrategy;
  for (const key of ['secondsAfterCompletion', 'secondsAfterSuccess', 'secondsAfterFailure'] as const) {
    const v = ttl?.[key];
    if (v !== undefined && v < 0) out.error([...path, 'ttlStrategy', key], `${key} ${v} must be >= 0`);
  }
}

function validateMetrics(metrics: readonly Metric[], path: FieldPath, out: IssueList): void {
  const seen = new Set<string>();
  metrics.forEach((m, i) => {
    if (seen.has(m.name)) out.error([...path, i, 'name'], `two metrics have the same name '${m.name}'`);
    seen.add(m.name);
    validateMetric(m, [...path, i], out);
  });
}

function validateMetricNameRefs(
  spec: Pick<AnalysisTemplateSpec, 'dryRun' | 'measurementRetention'>,
  metrics: readonly Metric[],
  path: FieldPath,
  checkMatches: boolean,
  out: IssueList,
): void {
  const names = metrics.map((m) => m.name);
  const check = (pattern: string, at: FieldPath): void => {
    if (pattern === '*') return;
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      out.error(at, `metricName '${pattern}' is not a valid regular expression`);
      return;
    }
    if (checkMatches && !names.some((n) => re.test(n))) {
      out.error(at, `metricName '${pattern}' matches no metric (metrics: ${names.join(', ') || 'none'})`);
    }
  };
  (spec.dryRun ?? []).forEach((d, i) => check(d.metricName, [...path, 'dryRun', i, 'metricName']));
  (spec.measurementRetention ?? []).forEach((r, i) => {
    check(r.metricName, [...path, 'measurementRetention', i, 'metricName']);
    if (r.limit < 1) out.error([...path, 'measurementRetention', i, 'limit'], `limit ${r.limit} must be >= 1`);
  });
}

/** Every check of one metric. */
export function validateMetric(metric: Metric, path: FieldPath, out: IssueList): void {
  if (metric.name === '') out.error([...path, 'name'], 'metric name must not be empty');
  validateMetricDuration(metric, 'interval', path, out);
  validateMetricDuration(metric, 'initialDelay', path, out);
  validateCountAndLimits(metric, path, out);
  validateProvider(metric, [...path, 'provider'], out);
}

function validateMetricDuration(metric: Metric, key: 'interval' | 'initialDelay', path: FieldPath, out: IssueList) {
  const v = metric[key];
  if (v === undefined || v === '' || isTemplated(v)) return;
  const ms = tryParseDuration(v);
  if (ms === undefined) {
    out.error([...path, key], `${key} "${v}" is not a duration: use a Go duration such as "30s", "1m", "1h30m"`);
  } else if (ms < 0) {
    out.error([...path, key], `${key} "${v}" must not be negative`);
  }
}

function validateCountAndLimits(metric: Metric, path: FieldPath, out: IssueList): void {
  const count = validateCount(metric, path, out);
  const limits = resolveLimits(metric, path, out);
  const successLimit = limits.consecutiveSuccessLimit ?? 0;
  const failureLimit = limits.failureLimit ?? 0;
  if (failureLimit < 0 && !(failureLimit === -1 && successLimit > 0)) {
    out.error(
      [...path, 'failureLimit'],
      `failureLimit ${failureLimit} must be >= 0 (-1 is allowed only together with consecutiveSuccessLimit > 0)`,
    );
  }
  for (const key of ['inconclusiveLimit', 'consecutiveErrorLimit', 'consecutiveSuccessLimit'] as const) {
    const v = limits[key];
    if (v !== undefined && v < 0) out.error([...path, key], `${key} ${v} must be >= 0`);
  }
  if (count === undefined || count <= 0) return;
  if (failureLimit >= 0 && successLimit >= 0 && count < failureLimit + successLimit) {
    out.error(
      [...path, 'count'],
      `count ${count} must be >= failureLimit (${failureLimit}) + consecutiveSuccessLimit (${successLimit})`,
    );
  }
  const inconclusiveLimit = limits.inconclusiveLimit ?? 0;
  if (count < inconclusiveLimit) {
    out.error([...path, 'count'], `count ${count} must be >= inconclusiveLimit (${inconclusiveLimit})`);
  }
}

/** Checks `count`; returns it when it is a plain number. */
function validateCount(metric: Metric, path: FieldPath, out: IssueList): number | undefined {
  const count = resolveIntOrString(metric.count);
  if (count === 'invalid') {
    out.error([...path, 'count'], `count "${String(metric.count)}" is not an integer`);
    return undefined;
  }
  if (typeof count !== 'number') return undefined;
  if (count < 0) out.error([...path, 'count'], `count ${count} must be >= 0`);
  if (count > 1 && (metric.interval ?? '') === '') {
    out.error([...path, 'count'], `interval must be specified when count > 1 (count is ${count})`);
  }
  return count;
}

function resolveLimits(
  metric: Metric,
  path: FieldPath,
  out: IssueList,
): Partial<Record<(typeof LIMITS)[number], number>> {
  const limits: Partial<Record<(typeof LIMITS)[number], number>> = {};
  for (const key of LIMITS) {
    const v = resolveIntOrString(metric[key]);
    if (v === 'invalid') out.error([...path, key], `${key} "${String(metric[key])}" is not an integer`);
    if (typeof v === 'number') limits[key] = v;
  }
  return limits;
}

function validateProvider(metric: Metric, path: FieldPath, out: IssueList): void {
  const set = METRIC_PROVIDER_NAMES.filter((name) => metric.provider[name] !== undefined);
  if (set.length === 0) {
    out.error(
      path,
      `no provider specified for metric '${metric.name}': set one of ${SUPPORTED_METRIC_PROVIDERS.join(', ')}`,
    );
    return;
  }
  if (set.length > 1) {
    out.error(path, `multiple providers specified for metric '${metric.name}': ${set.join(', ')}; keep exactly one`);
    return;
  }
  const name = set[0] as MetricProviderName;
  if (!SUPPORTED_METRIC_PROVIDERS.includes(name)) {
    out.notSupported([...path, name], `metric provider '${name}'`);
    return;
  }
  const { prometheus, web, job } = metric.provider;
  if (prometheus) validatePrometheus(prometheus, [...path, 'prometheus'], out);
  if (web) validateWeb(web, [...path, 'web'], out);
  if (job && job.spec.template.spec.containers.length === 0) {
    out.error([...path, 'job', 'spec', 'template', 'spec', 'containers'], 'job needs at least one container');
  }
}

function validatePrometheus(p: PrometheusProvider, path: FieldPath, out: IssueList): void {
  if (p.query.trim() === '') out.error([...path, 'query'], 'query must not be empty');
  if (p.timeout !== undefined && p.timeout < 0) {
    out.error([...path, 'timeout'], `timeout ${p.timeout} must not be negative (seconds)`);
  }
  if (p.address !== undefined && p.address !== '' && !isTemplated(p.address) && !isHttpUrl(p.address)) {
    out.error(
      [...path, 'address'],
      `address "${p.address}" must be a URL with scheme and host, e.g. http://127.0.0.1:9090`,
    );
  }
  if (p.authentication?.sigv4)
    out.notSupported([...path, 'authentication', 'sigv4'], 'prometheus sigv4 authentication');
}

function validateWeb(w: WebProvider, path: FieldPath, out: IssueList): void {
  if (w.url.trim() === '') out.error([...path, 'url'], 'url must not be empty');
  else if (!isTemplated(w.url) && !isHttpUrl(w.url))
    out.error([...path, 'url'], `url "${w.url}" must be an http(s) URL`);
  const hasBody = w.body !== undefined && w.body !== '';
  const hasJsonBody = w.jsonBody !== undefined;
  if (hasBody && hasJsonBody) out.error([...path, 'jsonBody'], 'use either body or jsonBody, not both');
  if ((w.method ?? 'GET') === 'GET' && (hasBody || hasJsonBody)) {
    out.error([...path, hasBody ? 'body' : 'jsonBody'], 'a GET request cannot have a body: set method POST or PUT');
  }
  if (w.timeoutSeconds !== undefined && w.timeoutSeconds < 0) {
    out.error([...path, 'timeoutSeconds'], `timeoutSeconds ${w.timeoutSeconds} must not be negative`);
  }
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '';
  } catch {
    return false;
  }
}

/** Template/run args: unique names, and each one a value, a valueFrom with exactly one source, or neither. */
export function validateArguments(args: readonly Argument[] | undefined, path: FieldPath, out: IssueList): void {
  const seen = new Set<string>();
  (args ?? []).forEach((arg, i) => {
    if (arg.name === '') out.error([...path, i, 'name'], 'arg name must not be empty');
    if (seen.has(arg.name)) out.error([...path, i, 'name'], `arg '${arg.name}' is declared twice`);
    seen.add(arg.name);
    if (arg.valueFrom === undefined) return;
    if (arg.value !== undefined) out.error([...path, i], `arg '${arg.name}' sets both value and valueFrom; keep one`);
    const sources = [arg.valueFrom.secretKeyRef, arg.valueFrom.fieldRef].filter((s) => s !== undefined).length;
    if (sources !== 1) {
      out.error(
        [...path, i, 'valueFrom'],
        `arg '${arg.name}' valueFrom must set exactly one of secretKeyRef, fieldRef`,
      );
    }
  });
}
