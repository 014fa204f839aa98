import type { Argument, Metric } from '../../api/index.js';

/**
 * Argument resolution and `{{args.x}}` templating, as Argo does it (`ResolveQuotedArgs`): the whole metric is
 * marshalled to JSON, every `{{...}}` placeholder (spaces inside the braces trimmed) is replaced by the argument's
 * value escaped for a JSON string, and the JSON is read back. A placeholder that names no argument with a value is
 * an error, `failed to resolve {{args.x}}`.
 */

/** Secret values by argument name, read by the shell from `valueFrom.secretKeyRef` in the run's namespace. */
export type SecretValues = Readonly<Record<string, string>>;

export type Resolved<T> = { ok: true; value: T } | { ok: false; error: string };

/** Argument values by name; secret-backed args take their value from `secrets`. */
export function resolveArgValues(
  args: readonly Argument[] | undefined,
  secrets: SecretValues = {},
): Resolved<Map<string, string>> {
  const values = new Map<string, string>();
  for (const arg of args ?? []) {
    const ref = arg.valueFrom?.secretKeyRef;
    if (arg.valueFrom !== undefined && arg.value !== undefined) {
      return { ok: false, error: `arg ${arg.name} has both Value and ValueFrom fields` };
    }
    if (ref !== undefined) {
      const secret = Object.prototype.hasOwnProperty.call(secrets, arg.name) ? secrets[arg.name] : undefined;
      if (secret === undefined) return { ok: false, error: `secret "${ref.name}" not found` };
      values.set(arg.name, secret);
    } else if (arg.value !== undefined) {
      values.set(arg.name, arg.value);
    } else {
      return { ok: false, error: `args.${arg.name} was not resolved` };
    }
  }
  return { ok: true, value: values };
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** Replaces every placeholder in `text`; values are escaped as the inside of a JSON string. */
export function resolveQuotedArgs(text: string, values: ReadonlyMap<string, string>): Resolved<string> {
  let missing: string | undefined;
  const out = text.replace(PLACEHOLDER, (whole, inner: string) => {
    const tag = inner.trim();
    const value = tag.startsWith('args.') ? values.get(tag.slice('args.'.length)) : undefined;
    if (value === undefined) {
      missing ??= tag;
      return whole;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing !== undefined) return { ok: false, error: `failed to resolve {{${missing}}}` };
  return { ok: true, value: out };
}

/** The metric with every placeholder of every field resolved. */
export function resolveMetric(metric: Metric, values: ReadonlyMap<string, string>): Resolved<Metric> {
  const text = resolveQuotedArgs(JSON.stringify(metric), values);
  if (!text.ok) return text;
  return { ok: true, value: JSON.parse(text.value) as Metric };
}

/** Every metric resolved, or the first failure. */
export function resolveMetrics(
  metrics: readonly Metric[],
  args: readonly Argument[] | undefined,
  secrets: SecretValues = {},
): Resolved<Metric[]> {
  const values = resolveArgValues(args, secrets);
  if (!values.ok) return values;
  const out: Metric[] = [];
  for (const metric of metrics) {
    const resolved = resolveMetric(metric, values.value);
    if (!resolved.ok) return resolved;
    out.push(resolved.value);
  }
  return { ok: true, value: out };
}

/** The secret values to hide: the values of secret-backed args that were given. */
export function secretsToRedact(args: readonly Argument[] | undefined, secrets: SecretValues = {}): string[] {
  const out: string[] = [];
  for (const arg of args ?? []) {
    const value = arg.valueFrom?.secretKeyRef ? secrets[arg.name] : undefined;
    if (value !== undefined && value !== '') out.push(value);
  }
  // Longest first, so a secret that contains another is hidden whole.
  return out.sort((a, b) => b.length - a.length);
}

export const REDACTED = '*****';

/** Replaces every secret value in `text` by `*****`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}
