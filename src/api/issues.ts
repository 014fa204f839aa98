/**
 * What validation reports: a field path into the object (as zod reports paths) and a message that names the field
 * and its value. The loader turns paths into line:col; `formatFieldPath` renders them for humans.
 */
export type FieldPath = readonly (string | number)[];

export type Severity = 'error' | 'warning';

export interface ValidationIssue {
  path: FieldPath;
  severity: Severity;
  message: string;
  /** Set when the field is valid Argo that Kanary does not run yet (maps to the NOT_SUPPORTED error code). */
  notSupported?: boolean;
}

/** `['spec', 'strategy', 'canary', 'steps', 2, 'setWeight']` -> `spec.strategy.canary.steps[2].setWeight`. */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Collects issues under a base path; keeps the validators short. */
export class IssueList {
  readonly issues: ValidationIssue[] = [];

  error(path: FieldPath, message: string): void {
    this.issues.push({ path, severity: 'error', message });
  }

  warning(path: FieldPath, message: string): void {
    this.issues.push({ path, severity: 'warning', message });
  }

  notSupported(path: FieldPath, what: string): void {
    this.issues.push({
      path,
      severity: 'error',
      message: `${what} is not supported yet by Kanary; remove it or use a supported alternative`,
      notSupported: true,
    });
  }
}

/** True for values still holding an unresolved `{{args.x}}` placeholder (checked when a run is created). */
export function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

/**
 * Resolves an IntOrString limit/count: a number, a numeric string, 'templated' for a placeholder, 'invalid'
 * otherwise, undefined when absent.
 */
export function resolveIntOrString(value: number | string | undefined): number | 'templated' | 'invalid' | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (isTemplated(value)) return 'templated';
  return /^\s*-?\d+\s*$/.test(value) ? Number(value) : 'invalid';
}
