import { KanaryError, type ErrorCode } from '../common/index.js';
import type { KubeResponse } from './client.js';

/** A Kubernetes `Status` body, as returned with every failed request. */
interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** The KanaryError code of a failed API server response (`reason` decides between the two kinds of 409). */
export function codeOf(status: number, reason: string | undefined): ErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return reason === 'AlreadyExists' ? 'ALREADY_EXISTS' : 'CONFLICT';
  if (status === 410) return 'GONE';
  if (status === 400 || status === 422) return 'INVALID_SPEC';
  if (status === 401 || status === 403) return 'UNAUTHORIZED';
  if (status === 504) return 'TIMEOUT';
  return 'INTERNAL';
}

/** Turns a failed response into a KanaryError that names the object and what to do. */
export function kubeError(res: KubeResponse, what: string): KanaryError {
  const body = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as KubeStatus;
  const code = codeOf(res.status, body.reason);
  const detail = body.message ?? (typeof res.body === 'string' ? res.body : `HTTP ${res.status}`);
  const hint: Partial<Record<ErrorCode, string>> = {
    CONFLICT: 'read it again and retry',
    UNAUTHORIZED: 'check the RBAC rules of the service account or kubeconfig user (see docs/kubernetes.md)',
    GONE: 'list again and watch from the list version',
  };
  const next = hint[code];
  return new KanaryError(code, `${what}: ${detail}${next === undefined ? '' : `; ${next}`}`);
}
