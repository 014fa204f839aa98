import { KanaryError } from '../common/index.js';

/**
 * JSON value helpers shared by the stores. Stored objects are plain JSON: whatever a caller passes is normalised
 * through JSON (undefined fields vanish, Dates become strings), so every store implementation keeps exactly what
 * SQLite or the API server would keep.
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Serialises a value to JSON text; a value that is not JSON (BigInt, a cycle) is an INVALID_SPEC. */
export function toJsonText(value: unknown, what: string): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new KanaryError(
      'INVALID_SPEC',
      `${what} is not representable as JSON (${err instanceof Error ? err.message : String(err)}); pass plain data`,
      { cause: err },
    );
  }
}

/** A deep copy through JSON: the copy shares nothing with the input. */
export function cloneJson<T>(value: T, what = 'the object'): T {
  return JSON.parse(toJsonText(value, what)) as T;
}

/**
 * Structural equality of JSON values, where an object key holding undefined counts as absent (as JSON would
 * serialise it). Key order does not matter; array order does.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const aKeys = Object.keys(a).filter((k) => a[k] !== undefined);
  const bKeys = Object.keys(b).filter((k) => b[k] !== undefined);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/**
 * Applies a JSON merge patch (RFC 7386): objects merge key by key, `null` removes a key, anything else (arrays
 * included) replaces. Neither argument is modified; the result shares no objects with the patch.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch, 'the patch');
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      Reflect.deleteProperty(result, key);
    } else {
      // defineProperty, not assignment: a key named "__proto__" must stay data, never reach the prototype.
      Object.defineProperty(result, key, {
        value: applyMergePatch(result[key], value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return result;
}
