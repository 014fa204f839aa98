import { isMap, isScalar, isSeq, Scalar, type Document, type LineCounter, type Node } from 'yaml';
import type { KnownObject } from './kinds.js';
import type { FieldPath, Severity } from './issues.js';

/** 1-based line and column, as editors and compilers print them. */
export interface Position {
  line: number;
  col: number;
}

/** One finding of the loader or of lint: `path:line:col: severity: message`. */
export interface Diagnostic {
  /** The file as the user named it. */
  path: string;
  line: number;
  col: number;
  severity: Severity;
  message: string;
  /** The field inside the object, when the finding is about one. */
  fieldPath?: FieldPath;
}

/** One YAML document of a file, with what is needed to point back into the source. */
export interface SourceDocument {
  file: string;
  /** 0-based index of the document within its file. */
  index: number;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The whole text of the file the document came from (offsets in `doc` index into it). */
  text: string;
  /** The document as plain data. */
  raw: unknown;
  /** The typed object, when the document is a known kind and passed its schema. */
  object?: KnownObject;
  /** Findings while loading: syntax, schema, unknown fields. */
  diagnostics: Diagnostic[];
}

/** The nodes found along a field path: the deepest existing value node, and the key node naming it. */
interface Located {
  node: Node | undefined;
  key: Node | undefined;
  /** True when the whole path exists. */
  exact: boolean;
}

function locate(doc: Document.Parsed, path: FieldPath): Located {
  let node = doc.contents as Node | null;
  let key: Node | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) return { node, key, exact: false };
      key = isScalar(pair.key) ? pair.key : undefined;
      if (pair.value === null) return { node: key, key, exact: true };
      node = pair.value as Node;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined || item === null) return { node, key, exact: false };
      node = item as Node;
      key = undefined;
    } else {
      return { node: node ?? undefined, key, exact: false };
    }
  }
  return { node: node ?? undefined, key, exact: true };
}

function posOfOffset(src: SourceDocument, offset: number): Position {
  const { line, col } = src.lineCounter.linePos(offset);
  return { line, col };
}

/**
 * Where a field of a document is written. `at: 'key'` points at the field's key (`successCondition:`); `'value'`
 * at its value (the first character of the expression). A path that does not exist resolves to its deepest
 * existing ancestor. Scalars are reported at their value, collections at their key, so messages about a map
 * point at the line that names it.
 */
export function positionOf(src: SourceDocument, path: FieldPath, at: 'key' | 'value' | 'auto' = 'auto'): Position {
  const { node, key } = locate(src.doc, path);
  const useKey = key !== undefined && (at === 'key' || (at === 'auto' && !isScalar(node)));
  const target = useKey ? key : node;
  const offset = target?.range?.[0] ?? src.doc.range[0];
  return posOfOffset(src, offset);
}

/** True when the document contains the field path. */
export function hasField(src: SourceDocument, path: FieldPath): boolean {
  return locate(src.doc, path).exact;
}

/**
 * The YAML node of a field's value, for callers that need offsets inside it (e.g. a condition checker pointing
 * at a column within a block scalar). Undefined when the path does not exist.
 */
export function valueNodeOf(src: SourceDocument, path: FieldPath): Node | undefined {
  const found = locate(src.doc, path);
  return found.exact ? found.node : undefined;
}

/** Converts an absolute source offset of this document's file to line:col. */
export function positionOfOffset(src: SourceDocument, offset: number): Position {
  return posOfOffset(src, offset);
}

/** Where a string field's content starts in the source, for pointing at a column inside it. */
export interface ScalarSource {
  value: string;
  /** The YAML style: a plain or quoted scalar is on one line with the key; a block scalar starts on the next. */
  style: 'plain' | 'quoted' | 'block';
  /** The first character of the content (after the opening quote, or on the first line of a block). */
  start: Position;
  /** Absolute offset of that character in `SourceDocument.text`. */
  offset: number;
}

/**
 * The source of a string field, e.g. a metric's `successCondition`, so a checker can report a column inside the
 * expression: for plain and quoted single-line values, column `start.col + i` is character `i` of the value.
 * Undefined when the field is absent or not a string scalar.
 */
export function scalarSourceOf(src: SourceDocument, path: FieldPath): ScalarSource | undefined {
  const node = valueNodeOf(src, path);
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  let offset = node.range[0];
  let style: ScalarSource['style'] = 'plain';
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) {
    style = 'quoted';
    offset += 1;
  } else if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    style = 'block';
    const lineEnd = src.text.indexOf('\n', offset);
    offset = lineEnd === -1 ? node.range[1] : lineEnd + 1;
    while (src.text[offset] === ' ') offset += 1;
  }
  return { value: node.value, style, start: posOfOffset(src, offset), offset };
}
