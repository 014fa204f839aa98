import type { AnalysisTemplate, AnalysisTemplateRef, ClusterAnalysisTemplate } from './analysis.js';
import type { Ingress } from './core.js';
import type { KnownObject } from './kinds.js';
import { formatFieldPath, type FieldPath, type Severity } from './issues.js';
import type { Rollout, RolloutAnalysis } from './rollout.js';
import { positionOf, type Diagnostic, type SourceDocument } from './source.js';
import { validateObject } from './validate.js';

/**
 * Offline checks over a set of loaded documents: what the loader found, Argo's validation rules, and references
 * between the given objects. Further checks (the condition language) plug in through `LintCheck`.
 */

/** A document whose object passed its schema. */
export type CheckedDocument = SourceDocument & { object: KnownObject };

export interface LintContext {
  documents: readonly SourceDocument[];
  /** Finds an object of the given kind and name; a missing namespace on either side matches any. */
  find(kind: string, name: string, namespace: string | undefined): KnownObject | undefined;
  /** The first document defining the same kind, namespace and name as this one. */
  firstDefinition(doc: CheckedDocument): SourceDocument | undefined;
}

/** One pluggable check: returns diagnostics for one document (use `diagnosticAt` for positions). */
export type LintCheck = (doc: CheckedDocument, ctx: LintContext) => Diagnostic[];

export interface LintOptions {
  /** Extra checks run on every checked document after the built-in ones. */
  checks?: readonly LintCheck[];
}

/** A diagnostic at a field of a document. */
export function diagnosticAt(src: SourceDocument, path: FieldPath, severity: Severity, message: string): Diagnostic {
  const { line, col } = positionOf(src, path);
  return { path: src.file, line, col, severity, message, fieldPath: path };
}

/** Every finding for the documents, sorted by file, line and column. */
export function lintDocuments(documents: readonly SourceDocument[], options: LintOptions = {}): Diagnostic[] {
  const ctx = lintContext(documents);
  const checks: LintCheck[] = [validationCheck, referenceCheck, duplicateCheck, ...(options.checks ?? [])];
  const out: Diagnostic[] = [];
  for (const doc of documents) {
    out.push(...doc.diagnostics);
    if (!doc.object) continue;
    for (const check of checks) out.push(...check(doc as CheckedDocument, ctx));
  }
  return sortDiagnostics(out);
}

export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.col - b.col);
}

/** `PATH:LINE:COL: error|warning: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.path}:${d.line}:${d.col}: ${d.severity}: ${d.message}`;
}

function lintContext(documents: readonly SourceDocument[]): LintContext {
  const objects = documents.flatMap((d) => (d.object ? [d.object] : []));
  return {
    documents,
    firstDefinition(doc) {
      const o = doc.object;
      const key = identity(o);
      return documents.find((d) => d.object !== undefined && identity(d.object) === key);
    },
    find(kind, name, namespace) {
      return objects.find(
        (o) =>
          o.kind === kind &&
          o.metadata.name === name &&
          (namespace === undefined || o.metadata.namespace === undefined || o.metadata.namespace === namespace),
      );
    },
  };
}

function objectLabel(o: KnownObject): string {
  const name = o.metadata.name ?? o.metadata.generateName;
  return name ? `${o.kind} "${name}"` : `${o.kind} (unnamed)`;
}

const validationCheck: LintCheck = (doc) =>
  validateObject(doc.object).map((issue) => {
    const field = formatFieldPath(issue.path);
    return diagnosticAt(
      doc,
      issue.path,
      issue.severity,
      `${objectLabel(doc.object)}: ${field ? `${field}: ` : ''}${issue.message}`,
    );
  });

function identity(o: KnownObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** The same object twice: the later one would silently replace the first when applied. */
const duplicateCheck: LintCheck = (doc, ctx) => {
  const first = ctx.firstDefinition(doc);
  if (!first || first === doc || doc.object.metadata.name === undefined) return [];
  const { line, col } = positionOf(first, []);
  return [
    diagnosticAt(
      doc,
      ['metadata', 'name'],
      'error',
      `${objectLabel(doc.object)} is defined twice; the first definition is at ${first.file}:${line}:${col}`,
    ),
  ];
};

const referenceCheck: LintCheck = (doc, ctx) => {
  const o = doc.object;
  if (o.kind === 'Rollout') return rolloutReferences(doc, o, ctx);
  if (o.kind === 'AnalysisTemplate' || o.kind === 'ClusterAnalysisTemplate') {
    return (o.spec.templates ?? []).flatMap((ref, i) => templateReference(doc, ctx, ref, ['spec', 'templates', i]));
  }
  return [];
};

function rolloutReferences(doc: CheckedDocument, rollout: Rollout, ctx: LintContext): Diagnostic[] {
  const canary = rollout.spec.strategy.canary;
  if (!canary) return [];
  const ns = rollout.metadata.namespace;
  const base = ['spec', 'strategy', 'canary'];
  const out: Diagnostic[] = [];
  const need = (kind: string, name: string | undefined, path: FieldPath): KnownObject | undefined => {
    if (name === undefined || name === '') return undefined;
    const found = ctx.find(kind, name, ns);
    if (!found) out.push(missing(doc, rollout, { kind, name, namespace: ns }, path));
    return found;
  };
  need('Service', canary.canaryService, [...base, 'canaryService']);
  need('Service', canary.stableService, [...base, 'stableService']);
  const nginx = canary.trafficRouting?.nginx;
  const ingresses: [string | undefined, FieldPath][] = [
    [nginx?.stableIngress, [...base, 'trafficRouting', 'nginx', 'stableIngress']],
    ...(nginx?.stableIngresses ?? []).map((n, i): [string, FieldPath] => [
      n,
      [...base, 'trafficRouting', 'nginx', 'stableIngresses', i],
    ]),
  ];
  for (const [name, path] of ingresses) {
    const ingress = need('Ingress', name, path) as Ingress | undefined;
    if (ingress && canary.stableService && !ingressUsesService(ingress, canary.stableService)) {
      out.push(
        diagnosticAt(
          doc,
          path,
          'error',
          `${objectLabel(rollout)}: Ingress "${name ?? ''}" has no rule with a backend on the stable Service "${canary.stableService}"; the canary Ingress would route nothing`,
        ),
      );
    }
  }
  if (canary.analysis) out.push(...analysisReferences(doc, ctx, canary.analysis, [...base, 'analysis']));
  (canary.steps ?? []).forEach((step, i) => {
    if (step.analysis) out.push(...analysisReferences(doc, ctx, step.analysis, [...base, 'steps', i, 'analysis']));
  });
  return out;
}

function ingressUsesService(ingress: Ingress, service: string): boolean {
  return (ingress.spec?.rules ?? []).some((rule) =>
    (rule.http?.paths ?? []).some((p) => p.backend.service?.name === service),
  );
}

function analysisReferences(
  doc: CheckedDocument,
  ctx: LintContext,
  analysis: RolloutAnalysis,
  path: FieldPath,
): Diagnostic[] {
  const given = new Set((analysis.args ?? []).map((a) => a.name));
  return (analysis.templates ?? []).flatMap((ref, i) => {
    const at = [...path, 'templates', i];
    const out = templateReference(doc, ctx, ref, at);
    const template = out.length === 0 ? findTemplate(doc, ctx, ref) : undefined;
    for (const arg of template?.spec.args ?? []) {
      if (arg.value === undefined && arg.valueFrom === undefined && !given.has(arg.name)) {
        out.push(
          diagnosticAt(
            doc,
            at,
            'error',
            `${objectLabel(doc.object)}: ${template?.kind ?? ''} "${ref.templateName}" requires arg "${arg.name}", which ${formatFieldPath([...path, 'args'])} does not give`,
          ),
        );
      }
    }
    return out;
  });
}

function findTemplate(doc: CheckedDocument, ctx: LintContext, ref: AnalysisTemplateRef) {
  const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
  const ns = ref.clusterScope ? undefined : doc.object.metadata.namespace;
  return ctx.find(kind, ref.templateName, ns) as AnalysisTemplate | ClusterAnalysisTemplate | undefined;
}

function templateReference(
  doc: CheckedDocument,
  ctx: LintContext,
  ref: AnalysisTemplateRef,
  path: FieldPath,
): Diagnostic[] {
  if (ref.templateName === '' || findTemplate(doc, ctx, ref)) return [];
  const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
  const namespace = ref.clusterScope ? undefined : doc.object.metadata.namespace;
  const d = missing(doc, doc.object, { kind, name: ref.templateName, namespace }, [...path, 'templateName']);
  const other = ctx.find(
    ref.clusterScope ? 'AnalysisTemplate' : 'ClusterAnalysisTemplate',
    ref.templateName,
    undefined,
  );
  if (other)
    d.message += ref.clusterScope
      ? ' (an AnalysisTemplate has that name: drop clusterScope)'
      : ' (a ClusterAnalysisTemplate has that name: set clusterScope: true)';
  return [d];
}

function missing(
  doc: SourceDocument,
  from: KnownObject,
  want: { kind: string; name: string; namespace: string | undefined },
  path: FieldPath,
): Diagnostic {
  const where = want.namespace === undefined ? '' : ` in namespace "${want.namespace}"`;
  return diagnosticAt(
    doc,
    path,
    'error',
    `${objectLabel(from)}: ${formatFieldPath(path)} refers to ${want.kind} "${want.name}"${where}, which is not among the given files; add its manifest with -f`,
  );
}
