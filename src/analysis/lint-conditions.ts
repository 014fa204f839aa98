import type { CheckedDocument, Diagnostic, LintCheck, SourceDocument } from '../api/index.js';
import { diagnosticAt, scalarSourceOf } from '../api/index.js';
import { checkCondition, isProviderKind } from '../expr/index.js';
import type { ExprError } from '../expr/index.js';

const CONDITION_FIELDS = ['successCondition', 'failureCondition'] as const;
const ANALYSIS_KINDS = new Set(['AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun']);

interface MetricLike {
  name?: string;
  provider?: Record<string, unknown>;
  successCondition?: string;
  failureCondition?: string;
}

/**
 * `kanary lint`'s condition check: parses and type-checks every successCondition and failureCondition against the
 * result type its provider gives (a Prometheus query may give a scalar or a vector; a web result is dynamic), and
 * reports each problem at its line and column inside the YAML file.
 */
export const conditionCheck: LintCheck = (doc: CheckedDocument): Diagnostic[] => {
  if (!ANALYSIS_KINDS.has(doc.object.kind)) return [];
  const metrics = (doc.object.spec as { metrics?: MetricLike[] } | undefined)?.metrics ?? [];
  const out: Diagnostic[] = [];
  metrics.forEach((metric, i) => {
    const providerName = Object.keys(metric.provider ?? {}).find((k) => metric.provider?.[k] !== undefined) ?? 'web';
    const context = isProviderKind(providerName) ? providerName : 'web';
    for (const field of CONDITION_FIELDS) {
      const source = metric[field];
      if (typeof source !== 'string' || source.trim() === '') continue;
      for (const err of checkCondition(source, context)) {
        const path = ['spec', 'metrics', i, field];
        const message = `metric "${metric.name ?? String(i)}" ${field}: ${err.message}`;
        out.push(at(doc, path, source, err, message));
      }
    }
  });
  return out;
};

/** The diagnostic at the error's character inside the condition, or at the field when it cannot be placed. */
function at(
  doc: SourceDocument,
  path: (string | number)[],
  source: string,
  err: ExprError,
  message: string,
): Diagnostic {
  const base = diagnosticAt(doc, path, 'error', message);
  const scalar = scalarSourceOf(doc, path);
  if (scalar === undefined) return base;
  // "Unexpected end" points past the trailing newline of a block scalar: pull it back to the last character.
  const offset = Math.min(err.offset, source.trimEnd().length);
  const before = source.slice(0, offset).split('\n');
  const lineInExpr = before.length - 1;
  const colInLine = (before[before.length - 1] ?? '').length;
  if (lineInExpr === 0) return { ...base, line: scalar.start.line, col: scalar.start.col + colInLine };
  if (scalar.style !== 'block') return base;
  // In a block scalar, line N of the expression is line N of the block, indented like its first line.
  return { ...base, line: scalar.start.line + lineInExpr, col: scalar.start.col + colInLine };
}
