/**
 * Stable hashes in Argo's shape: FNV-1a over a canonical rendering, the 32-bit result written in decimal and each
 * digit mapped onto the "safe" alphabet Kubernetes uses for generated names (no vowels, no look-alikes), so a pod
 * template hash is at most 10 characters such as `5d8f7c9b4x`.
 */

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a over the UTF-16 code units of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** JSON with object keys sorted, so two equal values always render the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

function safeEncode(n: number): string {
  return String(n)
    .split('')
    .map((d) => SAFE_ALPHABET[Number(d)] ?? '')
    .join('');
}

/** The `rollouts-pod-template-hash` of a pod template; `collisionCount` perturbs it as in Kubernetes. */
export function podTemplateHash(template: unknown, collisionCount?: number): string {
  const salt = collisionCount === undefined ? '' : `#${collisionCount}`;
  return safeEncode(fnv1a32(canonicalJson(template) + salt));
}

/** `status.currentStepHash`: a change to the steps alone restarts them. */
export function stepsHash(steps: unknown): string {
  return safeEncode(fnv1a32(canonicalJson(steps ?? [])));
}
