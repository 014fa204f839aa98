import { z } from 'zod';

/**
 * Kanary's own metric providers, `router` and `judge`, as a manifest declares them. Each is declared once, as a
 * shape over a number schema, and built twice:
 *
 * - for manifests (`RouterProviderSchema`, `JudgeProviderSchema`): a number may also be written as a string, either
 *   numeric (`"0.05"`) or holding an argument placeholder (`"{{args.alpha}}"`), which is resolved only when a
 *   run is built; values are kept as written, and a value out of range is an error at its line:col;
 * - for the providers at run time (`RouterProviderConfigSchema`, `JudgeProviderConfigSchema`): placeholders are
 *   resolved by then, so a number is a number or a numeric string, read as a number.
 *
 * Unknown fields are stripped (the loader reports them as warnings), as for Argo's own providers.
 */

export const ROUTER_METRICS = ['errorRate', 'successRate', 'requestCount', 'errorCount', 'p50', 'p90', 'p99'] as const;
export type RouterMetricName = (typeof ROUTER_METRICS)[number];

const NUMBER_TEXT = /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/;
const PLACEHOLDER = /\{\{[^{}]*\}\}/;

/** The rule a number must meet, in words (`undefined` when it does), e.g. "must be > 0"; the loader adds the value. */
type Rule = (n: number) => string | undefined;

const positive: Rule = (n) => (n > 0 ? undefined : 'must be > 0');
const nonNegative: Rule = (n) => (n >= 0 ? undefined : 'must be >= 0');
const between01: Rule = (n) => (n > 0 && n < 1 ? undefined : 'must be strictly between 0 and 1, e.g. 0.05');
const rate: Rule = (n) => (n >= 0 && n < 1 ? undefined : 'must be an error rate in [0, 1), e.g. 0.001');
const wholeAtLeast1: Rule = (n) => (Number.isInteger(n) && n >= 1 ? undefined : 'must be a whole number >= 1');

/** Builds the number schema for a field with the given rule. */
type NumberKind = (rule: Rule) => z.ZodType<number | string, number | string>;

/** In a manifest: a number, a numeric string, or a string with a `{{...}}` placeholder; checked when numeric. */
const manifestNumber: NumberKind = (rule) =>
  z.union([z.number(), z.string()]).superRefine((value, ctx) => {
    if (typeof value === 'string' && PLACEHOLDER.test(value)) return;
    if (typeof value === 'string' && !NUMBER_TEXT.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a number, a numeric string such as "0.05", or an argument such as "{{args.alpha}}"',
        input: value,
      });
      return;
    }
    const problem = rule(Number(value));
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });

/** At run time: a number, or a numeric string read as a number; the rule is checked by the provider. */
const NumberFromStringSchema = z.union([z.number(), z.string().regex(NUMBER_TEXT).transform(Number)]);
const runtimeNumber = (): typeof NumberFromStringSchema => NumberFromStringSchema;

function routerShape<N extends NumberKind>(num: N) {
  return {
    /** The Service whose traffic is measured (requests the router sent to it). */
    service: z.string().min(1),
    /** Default: the AnalysisRun's namespace, else "default". */
    namespace: z.string().min(1).optional(),
    /** How far back to look, e.g. "30s", "2m" (default 30s; the router keeps 15 minutes). */
    window: z.string().optional(),
    metric: z.enum(ROUTER_METRICS),
    /** Only the requests answered by pods of this revision (pod-template hash). */
    revision: z.string().optional(),
    /** The router's base URL; default env KANARY_ROUTER_URL. */
    address: z.string().optional(),
    /** Seconds (default 5). */
    timeout: (num(positive) as ReturnType<N>).optional(),
  };
}

function judgePrometheusShape<N extends NumberKind>(num: N) {
  return {
    address: z.string().min(1),
    /** Instant query for an arm's running request total; `$service` and `$namespace` are replaced per arm. */
    requestQuery: z.string().optional(),
    /** Instant query for an arm's running error total (an empty result means no error counted yet). */
    errorQuery: z.string().optional(),
    /** Optional: running histogram buckets by `le` (e.g. `sum by (le) (x_bucket{service="$service"})`). */
    latencyQuery: z.string().optional(),
    /** Unit of the `le` bounds of latencyQuery (default seconds, as Prometheus histograms are). */
    latencyUnit: z.enum(['seconds', 'milliseconds']).optional(),
    /** Seconds per query (default 5). */
    timeout: (num(positive) as ReturnType<N>).optional(),
    insecure: z.boolean().optional(),
    headers: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
  };
}

function judgeShape<N extends NumberKind>(num: N) {
  const n = (rule: Rule) => (num(rule) as ReturnType<N>).optional();
  return {
    canaryService: z.string().min(1),
    stableService: z.string().min(1),
    /** Default: the AnalysisRun's namespace, else "default". */
    namespace: z.string().min(1).optional(),
    /** False-abort bound over the whole run (default 0.05). */
    alpha: n(between01),
    /** Relative margin: the canary may have up to (1 + margin) × stable's error rate (default 0.2). */
    margin: n(nonNegative),
    /** The canary may have an error rate up to this whatever stable does (default 0.001). */
    absoluteMargin: n(rate),
    /** Requests each arm must have served before "pass" (never delays "fail"). */
    minRequests: z.object({ canary: n(nonNegative), stable: n(nonNegative) }).optional(),
    latency: z
      .object({
        enabled: z.boolean().optional(),
        toleranceMs: n(nonNegative),
        toleranceRelative: n(nonNegative),
        groupSize: n(wholeAtLeast1),
      })
      .optional(),
    source: z.enum(['router', 'prometheus']).optional(),
    /** The router's base URL (source router); default env KANARY_ROUTER_URL. */
    address: z.string().optional(),
    /** Seconds per read (default 5). */
    timeout: n(positive),
    prometheus: z.object(judgePrometheusShape(num)).optional(),
  };
}

// ---- manifests ----

/** `provider.router`: one number about one Service over a recent window, from the local router. */
export const RouterProviderSchema = z.object(routerShape(manifestNumber));
export type RouterProvider = z.infer<typeof RouterProviderSchema>;

/** `provider.judge`: the statistical canary-vs-stable judge (docs/judge.md). */
export const JudgeProviderSchema = z.object(judgeShape(manifestNumber));
export type JudgeProvider = z.infer<typeof JudgeProviderSchema>;

// ---- run time ----

/** The router provider's settings once `{{args.x}}` are resolved; numeric strings become numbers. */
export const RouterProviderConfigSchema = z.object({
  ...routerShape(runtimeNumber),
  timeout: NumberFromStringSchema.pipe(z.number().positive()).optional(),
});
export type RouterProviderConfig = z.infer<typeof RouterProviderConfigSchema>;

/** The judge's Prometheus source once `{{args.x}}` are resolved. */
export const JudgePrometheusSourceSchema = z.object(judgePrometheusShape(runtimeNumber));
export type JudgePrometheusSource = z.infer<typeof JudgePrometheusSourceSchema>;

/** The judge provider's settings once `{{args.x}}` are resolved (ranges are checked by `resolveJudgeConfig`). */
export const JudgeProviderConfigSchema = z.object(judgeShape(runtimeNumber));
export type JudgeProviderConfig = z.infer<typeof JudgeProviderConfigSchema>;
