/**
 * Argo substitutes `{{args.name}}` placeholders textually, before the condition is parsed
 * (`utils/template/template.go`: spaces inside the braces are trimmed). So `result[0] >= {{args.t}}` becomes
 * `result[0] >= 0.95`, and `result == "{{args.s}}"` puts the value inside a string literal.
 */
const ARG_PLACEHOLDER = /\{\{\s*args\.([^{}\s]+)\s*\}\}/g;
const ANY_PLACEHOLDER = /\{\{[^{}]*\}\}/g;

/** Replaces every `{{args.x}}` whose value is given; placeholders without a value stay as they are. */
export function substituteArgs(text: string, args: Readonly<Record<string, string | undefined>>): string {
  return text.replace(ARG_PLACEHOLDER, (whole, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(args, name) ? args[name] : undefined;
    return value ?? whole;
  });
}

/** The argument names a text refers to, in order of first use. */
export function argReferences(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(ARG_PLACEHOLDER)) if (m[1] !== undefined) names.add(m[1]);
  return [...names];
}

/**
 * For static checks without argument values: replaces each `{{...}}` by an identifier of the same length, so
 * offsets stay valid. Returns the rewritten text and the identifiers used (to be declared as unknown).
 */
export function maskPlaceholders(text: string): { text: string; names: string[] } {
  const names = new Set<string>();
  const masked = text.replace(ANY_PLACEHOLDER, (whole) => {
    const name = '_'.repeat(whole.length);
    names.add(name);
    return name;
  });
  return { text: masked, names: [...names] };
}
