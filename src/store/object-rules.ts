import type { KubeObject, ObjectMeta } from '../api/meta.js';
import { KanaryError } from '../common/index.js';
import { deepEqual, isPlainObject } from './json.js';

/**
 * The API-server rules every store applies to a write, as pure functions over plain JSON objects: identity
 * checks, which fields a write may change, generation and system metadata. Stores add persistence and versions.
 */

/** Where an object lives: kind, namespace ("" for cluster-scoped kinds) and name. */
export interface ObjectAddress {
  kind: string;
  namespace: string;
  name: string;
}

// RFC 1123 subdomain, as the API server requires for most kinds' names.
const NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const MAX_NAME_LENGTH = 253;

export function describe(addr: ObjectAddress): string {
  return addr.namespace === '' ? `${addr.kind} "${addr.name}"` : `${addr.kind} "${addr.namespace}/${addr.name}"`;
}

export function requireKind(kind: unknown): string {
  if (typeof kind !== 'string' || kind === '') {
    throw new KanaryError('INVALID_SPEC', `kind must be a non-empty string, got ${JSON.stringify(kind)}`);
  }
  return kind;
}

export function checkName(kind: string, name: string): void {
  if (name.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(name)) {
    throw new KanaryError(
      'INVALID_SPEC',
      `${kind} metadata.name ${JSON.stringify(name)} is invalid: use at most ${MAX_NAME_LENGTH} lowercase letters, ` +
        `digits, "-" or ".", starting and ending with a letter or digit`,
    );
  }
}

/**
 * Checks the shape every stored object must have and returns where it lives. The namespace is taken as given:
 * an object without `metadata.namespace` is cluster-scoped (namespace ""). The store does not know which kinds
 * are namespaced, so callers (the API, manifest loading) default the namespace before writing.
 */
export function addressOf(obj: unknown, op: string): { kind: string; namespace: string; name: string | undefined } {
  if (!isPlainObject(obj)) throw new KanaryError('INVALID_SPEC', `${op}: the object must be a JSON object`);
  const kind = requireKind(obj.kind);
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') {
    throw new KanaryError('INVALID_SPEC', `${op}: ${kind} apiVersion must be a non-empty string`);
  }
  const meta = obj.metadata;
  if (!isPlainObject(meta)) throw new KanaryError('INVALID_SPEC', `${op}: ${kind} metadata must be an object`);
  const namespace = meta.namespace ?? '';
  if (typeof namespace !== 'string') {
    throw new KanaryError('INVALID_SPEC', `${op}: ${kind} metadata.namespace must be a string`);
  }
  const name = meta.name === '' ? undefined : meta.name;
  if (name !== undefined && typeof name !== 'string') {
    throw new KanaryError('INVALID_SPEC', `${op}: ${kind} metadata.name must be a string`);
  }
  checkStringMap(kind, meta.labels, 'labels');
  checkStringMap(kind, meta.annotations, 'annotations');
  return { kind, namespace, name };
}

function checkStringMap(kind: string, value: unknown, field: string): void {
  if (value === undefined) return;
  if (!isPlainObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new KanaryError('INVALID_SPEC', `${kind} metadata.${field} must map strings to strings`);
  }
}

/** Fails with CONFLICT when `expected` is set and differs from the stored version. */
export function checkVersion(addr: ObjectAddress, expected: string | undefined, actual: string | undefined): void {
  if (expected !== undefined && expected !== '' && expected !== actual) {
    throw new KanaryError(
      'CONFLICT',
      `${describe(addr)} was modified (resourceVersion ${String(actual)}, the write expected ${expected}); ` +
        `read it again and retry`,
    );
  }
}

export function notFound(addr: ObjectAddress): KanaryError {
  return new KanaryError('NOT_FOUND', `${describe(addr)} not found`);
}

/** Everything but identity, metadata and status: the part whose change bumps `generation`. */
function desiredState(obj: KubeObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

function withStatus(obj: KubeObject, status: unknown): KubeObject {
  const { status: _old, ...rest } = obj;
  return status === undefined ? rest : { ...rest, status };
}

/** The metadata fields only the store writes; a caller's values for them are ignored. */
function systemMeta(meta: ObjectMeta): ObjectMeta {
  const out: ObjectMeta = {};
  for (const key of ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp', 'name', 'namespace'] as const) {
    if (meta[key] !== undefined) Object.assign(out, { [key]: meta[key] });
  }
  return out;
}

/**
 * The object `create` stores: status dropped (the status subresource is written only by `updateStatus`, as the
 * API server does for kinds with a status subresource), system metadata set.
 */
export function planCreate(
  input: KubeObject,
  sys: { name: string; namespace: string; uid: string; creationTimestamp: string; resourceVersion: string },
): KubeObject {
  const { uid: _u, resourceVersion: _r, generation: _g, deletionTimestamp: _d, ...meta } = input.metadata;
  const metadata: ObjectMeta = {
    ...meta,
    name: sys.name,
    uid: sys.uid,
    resourceVersion: sys.resourceVersion,
    generation: 1,
    creationTimestamp: sys.creationTimestamp,
  };
  if (sys.namespace === '') delete metadata.namespace;
  else metadata.namespace = sys.namespace;
  return withStatus({ ...input, metadata }, undefined);
}

/**
 * The object `update` (and a non-status patch) stores, without its new resourceVersion: the caller's metadata
 * and desired state, the stored status and system metadata, `generation` + 1 when the desired state changed.
 */
export function planUpdate(stored: KubeObject, input: KubeObject): KubeObject {
  const generation = (stored.metadata.generation ?? 1) + (deepEqual(desiredState(stored), desiredState(input)) ? 0 : 1);
  const { resourceVersion: _r, ...inputMeta } = input.metadata;
  const metadata: ObjectMeta = { ...inputMeta, ...systemMeta(stored.metadata), generation };
  if (stored.metadata.deletionTimestamp === undefined) delete metadata.deletionTimestamp;
  if (stored.metadata.namespace === undefined) delete metadata.namespace;
  return withStatus({ ...input, metadata }, stored.status);
}

/** The object `updateStatus` (and a status patch) stores, without its new resourceVersion: only status moves. */
export function planStatus(stored: KubeObject, input: KubeObject): KubeObject {
  const { resourceVersion: _r, ...meta } = stored.metadata;
  return withStatus({ ...stored, metadata: meta }, input.status);
}

/** True when a planned object equals the stored one apart from its resourceVersion: the write is a no-op. */
export function unchanged(stored: KubeObject, planned: KubeObject): boolean {
  const { resourceVersion: _r, ...meta } = stored.metadata;
  return deepEqual({ ...stored, metadata: meta }, planned);
}

/** Equality-based label selection: every key present with the given value. */
export function matchesLabels(obj: KubeObject, selector: Record<string, string> | undefined): boolean {
  if (selector === undefined) return true;
  const labels = obj.metadata.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

// Kubernetes' generateName alphabet: no vowels (no accidental words) and no look-alike characters.
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A candidate name for `metadata.generateName`: the prefix plus five random characters. */
export function generatedName(prefix: string, random: () => number): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length) % SUFFIX_ALPHABET.length] ?? 'x';
  }
  return prefix + suffix;
}

/** RFC 3339 at second precision, as the API server writes timestamps. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
