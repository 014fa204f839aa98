import { ceilDivide, parseQuantity, quantityEquals, type Quantity } from './quantity.js';
import type { Container, Pod } from './pod-types.js';

/** What local mode's one node offers: a container without a limit sees these, as kubelet uses node allocatable. */
export interface NodeAllocatable {
  /** Logical CPUs. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

export type ResourceFieldRef = { containerName?: string; resource: string; divisor?: number | string };

const CPU_DIVISORS = ['1m', '1'];
const MEMORY_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];
const ONE: Quantity = { num: 1n, den: 1n };

export type ResourceFieldValue = { ok: true; value: string } | { ok: false; message: string };

/**
 * The downward API's `resourceFieldRef` as kubelet computes it: `limits.cpu`, `limits.memory`, `requests.cpu`,
 * `requests.memory` of the container (or of `containerName` in the same pod), divided by `divisor` (default 1)
 * and rounded up to a whole number. A missing limit is the node's allocatable amount; a missing request is the
 * limit the container gives (the API server's defaulting), else 0. `who` names the variable for messages.
 */
export function resourceFieldValue(
  pod: Pod,
  container: Container,
  ref: ResourceFieldRef,
  node: NodeAllocatable,
  who: string,
): ResourceFieldValue {
  const fail = (message: string): ResourceFieldValue => ({ ok: false, message: `${who}: resourceFieldRef ${message}` });
  const target = targetContainer(pod, container, ref.containerName);
  if (target === undefined) return fail(`names container "${ref.containerName ?? ''}", which the pod does not have`);
  const match = /^(limits|requests)\.(cpu|memory)$/.exec(ref.resource);
  if (match === null) {
    return fail(
      `"${ref.resource}" is not supported in local mode; use limits.cpu, limits.memory, requests.cpu or requests.memory`,
    );
  }
  const kind = match[1] === 'limits' ? 'limits' : 'requests';
  const resource = match[2] === 'cpu' ? 'cpu' : 'memory';
  const allowed = resource === 'cpu' ? CPU_DIVISORS : MEMORY_DIVISORS;
  const divisor = ref.divisor === undefined ? ONE : parseQuantity(ref.divisor);
  if (divisor === undefined || !allowed.some((d) => quantityEquals(parseQuantity(d) ?? ONE, divisor))) {
    return fail(
      `divisor ${JSON.stringify(ref.divisor)} is not valid for ${resource}; use one of ${allowed.join(', ')}`,
    );
  }
  const raw = declaredAmount(target, kind, resource);
  if (raw === undefined) {
    const fallback = kind === 'requests' ? 0 : node[resource];
    return { ok: true, value: ceilDivide({ num: BigInt(fallback), den: 1n }, divisor).toString() };
  }
  const amount = parseQuantity(raw);
  if (amount === undefined) return fail(`reads ${kind}.${resource} ${JSON.stringify(raw)}, which is no quantity`);
  return { ok: true, value: ceilDivide(amount, divisor).toString() };
}

/** The container a ref names: its own when `containerName` is empty, else another of the pod. */
function targetContainer(pod: Pod, container: Container, name: string | undefined): Container | undefined {
  if (name === undefined || name === '' || name === container.name) return container;
  return pod.spec.containers.find((c) => c.name === name);
}

/** The quantity the container declares; a missing request falls back to the limit (the API server's defaulting). */
function declaredAmount(container: Container, kind: 'limits' | 'requests', resource: string): unknown {
  const limits = container.resources?.limits ?? {};
  if (kind === 'limits') return limits[resource];
  return container.resources?.requests?.[resource] ?? limits[resource];
}
