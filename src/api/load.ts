import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { KIND_API_VERSIONS, isKnownKind, schemaForKind, type KnownObject } from './kinds.js';
import { formatFieldPath, type FieldPath } from './issues.js';
import { positionOf, positionOfOffset, type Diagnostic, type SourceDocument } from './source.js';
import { findUnknownFields } from './unknown-fields.js';
export { serializeDocuments, toYaml } from './yaml-text.js';
import { KanaryError } from '../common/index.js';

/**
 * YAML in and out. Loading keeps every document's source so that any finding, from a syntax error to a field
 * deep in a metric, is reported as `file:line:col`. Unknown fields are warnings (what kubectl does), wrong types
 * and missing required fields are errors. Unknown kinds are loaded raw and reported as a warning.
 */

export interface LoadResult {
  documents: SourceDocument[];
  /** Findings not tied to one document (unreadable files, empty directories). */
  diagnostics: Diagnostic[];
}

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);
const SKIPPED_DIRS = new Set(['node_modules']);

/**
 * Loads files and directories (recursively, `*.yaml`/`*.yml`, skipping node_modules and dot-directories);
 * `-` reads standard input, as kubectl does.
 */
export function loadPaths(paths: readonly string[]): LoadResult {
  const result: LoadResult = { documents: [], diagnostics: [] };
  for (const p of paths) {
    if (p === '-') {
      result.documents.push(...parseDocuments(readFileSync(0, 'utf8'), '<stdin>'));
      continue;
    }
    let files: string[];
    try {
      files = statSync(p).isDirectory() ? yamlFilesUnder(p) : [p];
    } catch (err) {
      result.diagnostics.push(fileDiagnostic(p, `cannot read ${p}: ${(err as Error).message}`));
      continue;
    }
    if (files.length === 0)
      result.diagnostics.push(fileDiagnostic(p, `no *.yaml or *.yml files under ${p}`, 'warning'));
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (err) {
        result.diagnostics.push(fileDiagnostic(f, `cannot read ${f}: ${(err as Error).message}`));
        continue;
      }
      result.documents.push(...parseDocuments(text, f));
    }
  }
  return result;
}

/** Every YAML file under a directory, sorted, recursively. */
export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) out.push(...yamlFilesUnder(full));
    } else if (e.isFile() && YAML_EXTENSIONS.has(extname(e.name).toLowerCase())) {
      out.push(full);
    }
  }
  return out;
}

function fileDiagnostic(path: string, message: string, severity: 'error' | 'warning' = 'error'): Diagnostic {
  return { path, line: 1, col: 1, severity, message };
}

/** Parses a multi-document YAML text; `file` is used in diagnostics only. Empty documents are skipped. */
export function parseDocuments(text: string, file: string): SourceDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const out: SourceDocument[] = [];
  list.forEach((doc, index) => {
    const src: SourceDocument = { file, index, doc, lineCounter, text, raw: undefined, diagnostics: [] };
    for (const e of doc.errors) src.diagnostics.push(yamlDiagnostic(src, e.pos[0], e.message, 'error'));
    for (const w of doc.warnings) src.diagnostics.push(yamlDiagnostic(src, w.pos[0], w.message, 'warning'));
    if (doc.errors.length > 0) {
      out.push(src);
      return;
    }
    src.raw = doc.toJS({ maxAliasCount: 100 }) as unknown;
    // An empty document (`---` twice, a trailing `---`) holds nothing to check.
    if (src.raw === null || src.raw === undefined) return;
    checkObject(src);
    out.push(src);
  });
  return out;
}

function yamlDiagnostic(
  src: SourceDocument,
  offset: number,
  message: string,
  severity: 'error' | 'warning',
): Diagnostic {
  const { line, col } = positionOfOffset(src, offset);
  return { path: src.file, line, col, severity, message: `YAML: ${message.split('\n')[0] ?? message}` };
}

/** Dispatches on apiVersion/kind, runs the schema and the unknown-field scan, and sets `src.object`. */
function checkObject(src: SourceDocument): void {
  const raw = src.raw;
  let label = '';
  const add = (path: FieldPath, severity: 'error' | 'warning', message: string, at: 'key' | 'auto' = 'auto'): void => {
    const { line, col } = positionOf(src, path, at);
    src.diagnostics.push({ path: src.file, line, col, severity, message: label + message, fieldPath: path });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    add([], 'error', 'a manifest must be a mapping with apiVersion, kind and metadata');
    return;
  }
  const { apiVersion, kind, metadata } = raw as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  if (typeof kind !== 'string' || kind === '') return add([], 'error', 'missing required field "kind"');
  if (typeof apiVersion !== 'string' || apiVersion === '')
    return add([], 'error', 'missing required field "apiVersion"');
  const name = metadata?.name;
  label = typeof name === 'string' ? `${kind} "${name}": ` : `${kind}: `;
  if (!isKnownKind(kind)) {
    add(['kind'], 'warning', `kind ${kind} (${apiVersion}) is not a kind Kanary knows; it is not checked`);
    return;
  }
  const expected = KIND_API_VERSIONS[kind];
  if (apiVersion !== expected) {
    add(['apiVersion'], 'error', `apiVersion "${apiVersion}" is not served for kind ${kind}: use "${expected}"`);
    return;
  }
  const schema = schemaForKind(kind) as z.ZodType;
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) add(issue.path as FieldPath, 'error', describeIssue(issue));
  }
  for (const path of findUnknownFields(schema, raw)) {
    add(path, 'warning', `unknown field "${formatFieldPath(path)}" is ignored`, 'key');
  }
  if (parsed.success) src.object = parsed.data as KnownObject;
}

/** A zod issue as a message that names the field and the value it has. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const field = formatFieldPath(issue.path as FieldPath) || '(document)';
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_type') {
    const expected = issue.expected === 'int' ? 'integer' : issue.expected;
    if (input === undefined) return `missing required field "${field}" (${expected})`;
    return `${field}: expected ${expected}, got ${describeValue(input)}`;
  }
  if (issue.code === 'invalid_value') {
    return `${field}: ${describeValue(input)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (issue.code === 'invalid_union') return `${field}: expected an integer or a string, got ${describeValue(input)}`;
  return `${field}: ${issue.message}${input === undefined ? '' : ` (got ${describeValue(input)})`}`;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `integer ${v}` : `number ${v}`;
  if (typeof v === 'boolean') return `boolean ${v}`;
  return typeof v;
}

/**
 * Parses one object (e.g. a request body) against its kind's schema. Throws INVALID_SPEC naming the kind, the
 * field and the value; unknown fields are dropped.
 */
export function parseObject(value: unknown): KnownObject {
  const { kind, apiVersion } = (value ?? {}) as { kind?: unknown; apiVersion?: unknown };
  if (!isKnownKind(kind)) throw new KanaryError('INVALID_SPEC', `unknown kind ${JSON.stringify(kind)}`);
  if (apiVersion !== KIND_API_VERSIONS[kind]) {
    throw new KanaryError(
      'INVALID_SPEC',
      `apiVersion ${JSON.stringify(apiVersion)} is not served for kind ${kind}: use "${KIND_API_VERSIONS[kind]}"`,
    );
  }
  const parsed = (schemaForKind(kind) as z.ZodType).safeParse(value, { reportInput: true });
  if (!parsed.success) {
    throw new KanaryError('INVALID_SPEC', `${kind} is invalid: ${parsed.error.issues.map(describeIssue).join('; ')}`);
  }
  return parsed.data as KnownObject;
}

/** The typed objects of a load result, dropping documents that failed. */
export function objectsOf(documents: readonly SourceDocument[]): KnownObject[] {
  return documents.flatMap((d) => (d.object ? [d.object] : []));
}
