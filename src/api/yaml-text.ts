import { stringify } from 'yaml';

/** Objects as YAML text. Free of the zod model, so light callers (the CLI's `-o yaml`) can use it alone. */

/** One object as YAML (no line folding, so long queries stay intact). */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Objects as a multi-document YAML stream; `parseDocuments` reads it back to equal objects. */
export function serializeDocuments(values: readonly unknown[]): string {
  return values.map((v) => `---\n${toYaml(v)}`).join('');
}
