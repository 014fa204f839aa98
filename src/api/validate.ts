import type { AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate } from './analysis.js';
import { validateAnalysisRunSpec, validateAnalysisTemplateSpec } from './validate-analysis.js';
import { validateRolloutObject } from './validate-rollout.js';
import type { Rollout } from './rollout.js';
import { formatFieldPath, IssueList, type ValidationIssue } from './issues.js';
import { KanaryError } from '../common/index.js';

export { SUPPORTED_METRIC_PROVIDERS, validateMetric } from './validate-analysis.js';
export { SUPPORTED_STEP_TYPES, SUPPORTED_TRAFFIC_ROUTERS } from './validate-rollout.js';

/**
 * Semantic validation after the schema has parsed an object: Argo's rules, then Kanary's "not supported yet".
 * Each issue has a field path and a message naming the field and its value.
 */

/** Any object the validators know; other kinds only get the metadata checks. */
export interface ValidatableObject {
  kind: string;
  metadata: { name?: string | undefined; generateName?: string | undefined; namespace?: string | undefined };
  spec?: unknown;
}

export function validateRollout(rollout: Rollout): ValidationIssue[] {
  const out = new IssueList();
  validateName(rollout, out);
  validateRolloutObject(rollout, out);
  return out.issues;
}

export function validateAnalysisTemplate(template: AnalysisTemplate | ClusterAnalysisTemplate): ValidationIssue[] {
  const out = new IssueList();
  validateName(template, out);
  validateAnalysisTemplateSpec(template.spec, ['spec'], out);
  return out.issues;
}

export function validateAnalysisRun(run: AnalysisRun): ValidationIssue[] {
  const out = new IssueList();
  validateName(run, out);
  validateAnalysisRunSpec(run.spec, ['spec'], out);
  return out.issues;
}

/** Dispatches on `kind`. The object must already have passed its kind's schema. */
export function validateObject(obj: ValidatableObject): ValidationIssue[] {
  switch (obj.kind) {
    case 'Rollout':
      return validateRollout(obj as Rollout);
    case 'AnalysisTemplate':
    case 'ClusterAnalysisTemplate':
      return validateAnalysisTemplate(obj as AnalysisTemplate);
    case 'AnalysisRun':
      return validateAnalysisRun(obj as AnalysisRun);
    default: {
      const out = new IssueList();
      validateName(obj, out);
      return out.issues;
    }
  }
}

/**
 * Throws when validation finds an error: NOT_SUPPORTED when every error is a "not supported yet", else
 * INVALID_SPEC. The message names the object and lists each issue as `path: message`.
 */
export function assertValid(obj: ValidatableObject): void {
  const errors = validateObject(obj).filter((i) => i.severity === 'error');
  if (errors.length === 0) return;
  const code = errors.every((e) => e.notSupported) ? 'NOT_SUPPORTED' : 'INVALID_SPEC';
  const name = obj.metadata.name ?? obj.metadata.generateName ?? '';
  const lines = errors.map((e) => `${formatFieldPath(e.path)}: ${e.message}`);
  throw new KanaryError(code, `${obj.kind} "${name}" is invalid: ${lines.join('; ')}`);
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function validateName(obj: ValidatableObject, out: IssueList): void {
  const { name, generateName } = obj.metadata;
  if ((name === undefined || name === '') && (generateName === undefined || generateName === '')) {
    out.error(['metadata'], "missing field 'name': set metadata.name");
    return;
  }
  if (name !== undefined && name !== '' && (name.length > 253 || !DNS_SUBDOMAIN.test(name))) {
    out.error(
      ['metadata', 'name'],
      `name "${name}" must be lower-case letters, digits, '-' or '.', start and end with a letter or digit, at most 253 characters`,
    );
  }
}
