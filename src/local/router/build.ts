import type {
  Backend,
  CanaryPolicy,
  CanaryRoute,
  Endpoint,
  IngressRef,
  PathType,
  Route,
  RoutingTable,
  VirtualHost,
} from './table.js';
import { withVersion } from './table.js';

/**
 * Builds the routing table from Kubernetes-shaped Ingress, Service and Pod objects, as ingress-nginx would
 * configure itself from the same objects. Pure: the same objects give the same table (and version).
 *
 * - Every non-canary Ingress rule path becomes a route of its host (rules without host go to the catch-all "").
 *   When two Ingresses claim the same host and path, the oldest wins (creationTimestamp, then namespace/name).
 * - An Ingress annotated `nginx.ingress.kubernetes.io/canary: "true"` adds, to each route of the same host and
 *   path, its backend as a canary with the parsed `canary-*` annotations. A canary with no matching main route is
 *   ignored with a warning, as ingress-nginx does.
 * - A backend's endpoints are the Service's selected pods in the same namespace that are Ready and not being
 *   deleted and have a pod IP; the target port is the Service port's `targetPort` (a number, or a container port
 *   name looked up in each pod), defaulting to the Service port.
 * - `spec.defaultBackend`, ingress classes and TLS are not interpreted: local mode serves every Ingress over HTTP.
 */
export function buildRoutingTable(input: RoutingInput): RoutingTable {
  const warnings: string[] = [];
  const index = indexObjects(input);
  const ingresses = [...input.ingresses].sort(byAgeThenName);
  const vhosts = new Map<string, Map<string, MutableRoute>>();

  for (const ing of ingresses) {
    if (isCanary(ing)) continue;
    for (const { host, path, pathType, service, port } of ingressPaths(ing)) {
      const routes = getOrCreate(vhosts, host, () => new Map<string, MutableRoute>());
      if (routes.has(path)) {
        warnings.push(`Ingress ${refText(ing)}: host "${host}" path "${path}" is already served; ignored.`);
        continue;
      }
      routes.set(path, {
        path,
        pathType,
        ingress: refOf(ing),
        backend: resolveBackend(index, namespaceOf(ing), service, port, warnings),
        canaries: [],
      });
    }
  }

  for (const ing of ingresses) {
    if (!isCanary(ing)) continue;
    const policy = parseCanaryPolicy(ing, warnings);
    for (const { host, path, service, port } of ingressPaths(ing)) {
      const main = vhosts.get(host)?.get(path);
      if (main === undefined) {
        warnings.push(
          `canary Ingress ${refText(ing)}: no non-canary Ingress serves host "${host}" path "${path}"; ignored.`,
        );
        continue;
      }
      main.canaries.push({
        ingress: refOf(ing),
        backend: resolveBackend(index, namespaceOf(ing), service, port, warnings),
        policy,
      });
    }
  }

  const hosts: VirtualHost[] = [...vhosts.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([host, routes]) => ({ host, routes: [...routes.values()].sort(byMatchOrder) }));
  return withVersion({ hosts, warnings });
}

/** The objects the table is built from (any order; objects of other namespaces are matched by namespace). */
export interface RoutingInput {
  readonly ingresses: readonly IngressLike[];
  readonly services: readonly ServiceLike[];
  readonly pods: readonly PodLike[];
}

interface MetaLike {
  readonly name?: string | undefined;
  readonly namespace?: string | undefined;
  readonly creationTimestamp?: string | undefined;
  readonly deletionTimestamp?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

/** networking.k8s.io/v1 Ingress, the fields the router reads. */
export interface IngressLike {
  readonly metadata: MetaLike;
  readonly spec?:
    | {
        readonly rules?:
          | readonly {
              readonly host?: string | undefined;
              readonly http?:
                | {
                    readonly paths: readonly {
                      readonly path?: string | undefined;
                      readonly pathType?: string | undefined;
                      readonly backend: {
                        readonly service?:
                          | {
                              readonly name: string;
                              readonly port?:
                                | { readonly number?: number | undefined; readonly name?: string | undefined }
                                | undefined;
                            }
                          | undefined;
                      };
                    }[];
                  }
                | undefined;
            }[]
          | undefined;
      }
    | undefined;
}

/** v1 Service, the fields the router reads. */
export interface ServiceLike {
  readonly metadata: MetaLike;
  readonly spec?:
    | {
        readonly selector?: Readonly<Record<string, string>> | undefined;
        readonly ports?:
          | readonly {
              readonly name?: string | undefined;
              readonly port: number;
              readonly targetPort?: number | string | undefined;
            }[]
          | undefined;
      }
    | undefined;
}

/** v1 Pod, the fields the router reads. */
export interface PodLike {
  readonly metadata: MetaLike;
  readonly spec?:
    | {
        readonly containers?:
          | readonly {
              readonly name?: string | undefined;
              readonly ports?:
                readonly { readonly name?: string | undefined; readonly containerPort: number }[] | undefined;
            }[]
          | undefined;
      }
    | undefined;
  readonly status?:
    | {
        readonly podIP?: string | undefined;
        readonly conditions?: readonly { readonly type: string; readonly status: string }[] | undefined;
      }
    | undefined;
}

export const NGINX_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io';
/** Pod labels that name a pod's revision, in order of preference. */
export const REVISION_LABELS = ['rollouts-pod-template-hash', 'pod-template-hash'] as const;

const DEFAULT_WEIGHT_TOTAL = 100;

/** Parses the ingress-nginx canary annotations of an Ingress (whether or not it is a canary). */
export function parseCanaryPolicy(ing: IngressLike, warnings: string[] = []): CanaryPolicy {
  const a = ing.metadata.annotations ?? {};
  const get = (key: string): string | undefined => {
    const v = a[`${NGINX_ANNOTATION_PREFIX}/${key}`];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (key: string, fallback: number): number => {
    const raw = get(key);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw)) {
      warnings.push(
        `Ingress ${refText(ing)}: annotation ${NGINX_ANNOTATION_PREFIX}/${key} "${raw}" is not a non-negative ` +
          `integer; using ${fallback}.`,
      );
      return fallback;
    }
    return Number(raw);
  };
  const weightTotal = Math.max(int('canary-weight-total', DEFAULT_WEIGHT_TOTAL), 1);
  const policy: { -readonly [K in keyof CanaryPolicy]: CanaryPolicy[K] } = {
    weight: int('canary-weight', 0),
    weightTotal,
  };
  const header = get('canary-by-header');
  const headerValue = get('canary-by-header-value');
  const headerPattern = get('canary-by-header-pattern');
  const cookie = get('canary-by-cookie');
  if (header !== undefined) policy.header = header;
  if (headerValue !== undefined) policy.headerValue = headerValue;
  if (headerPattern !== undefined) policy.headerPattern = headerPattern;
  if (cookie !== undefined) policy.cookie = cookie;
  if (headerPattern !== undefined && !isValidRegExp(headerPattern)) {
    warnings.push(
      `Ingress ${refText(ing)}: canary-by-header-pattern "${headerPattern}" is not a valid regular expression; ` +
        'the header rule of this canary never matches.',
    );
  }
  return policy;
}

/** The revision label of a pod ("" when it has none). */
export function revisionOf(labels: Readonly<Record<string, string>> | undefined): string {
  for (const key of REVISION_LABELS) {
    const v = labels?.[key];
    if (v !== undefined) return v;
  }
  return '';
}

/** Whether a pod counts as a ready endpoint: Ready condition True, not terminating, has an IP. */
export function isReadyEndpoint(pod: PodLike): boolean {
  if (pod.metadata.deletionTimestamp !== undefined) return false;
  if (pod.status?.podIP === undefined || pod.status.podIP === '') return false;
  return pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

interface MutableRoute {
  path: string;
  pathType: PathType;
  ingress: IngressRef;
  backend: Backend;
  canaries: CanaryRoute[];
}

interface IngressPath {
  host: string;
  path: string;
  pathType: PathType;
  service: string;
  port: number | string;
}

interface ObjectIndex {
  services: Map<string, ServiceLike>;
  podsByNamespace: Map<string, PodLike[]>;
}

function indexObjects(input: RoutingInput): ObjectIndex {
  const services = new Map<string, ServiceLike>();
  for (const svc of input.services) services.set(`${namespaceOf(svc)}/${svc.metadata.name ?? ''}`, svc);
  const podsByNamespace = new Map<string, PodLike[]>();
  const pods = [...input.pods].sort((a, b) => compareStrings(a.metadata.name ?? '', b.metadata.name ?? ''));
  for (const pod of pods) getOrCreate(podsByNamespace, namespaceOf(pod), () => []).push(pod);
  return { services, podsByNamespace };
}

function ingressPaths(ing: IngressLike): IngressPath[] {
  const out: IngressPath[] = [];
  for (const rule of ing.spec?.rules ?? []) {
    const host = (rule.host ?? '').toLowerCase();
    for (const p of rule.http?.paths ?? []) {
      const svc = p.backend.service;
      if (svc === undefined) continue;
      const port = svc.port?.number ?? svc.port?.name ?? 0;
      out.push({ host, path: p.path ?? '/', pathType: toPathType(p.pathType), service: svc.name, port });
    }
  }
  return out;
}

function toPathType(value: string | undefined): PathType {
  return value === 'Exact' || value === 'Prefix' ? value : 'ImplementationSpecific';
}

function resolveBackend(
  index: ObjectIndex,
  namespace: string,
  service: string,
  servicePort: number | string,
  warnings: string[],
): Backend {
  const backend = { namespace, service, servicePort };
  const svc = index.services.get(`${namespace}/${service}`);
  if (svc === undefined) {
    warnings.push(`Service ${namespace}/${service} does not exist; its routes answer 503.`);
    return { ...backend, endpoints: [] };
  }
  const port = svc.spec?.ports?.find((p) =>
    typeof servicePort === 'number' ? p.port === servicePort : p.name === servicePort,
  );
  if (port === undefined) {
    warnings.push(`Service ${namespace}/${service} has no port ${String(servicePort)}; its routes answer 503.`);
    return { ...backend, endpoints: [] };
  }
  const selector = svc.spec?.selector;
  if (selector === undefined || Object.keys(selector).length === 0) return { ...backend, endpoints: [] };
  const endpoints: Endpoint[] = [];
  for (const pod of index.podsByNamespace.get(namespace) ?? []) {
    if (!matchesSelector(pod.metadata.labels, selector) || !isReadyEndpoint(pod)) continue;
    const target = targetPortOf(pod, port.targetPort ?? port.port);
    if (target === undefined) continue;
    endpoints.push({
      ip: pod.status?.podIP ?? '',
      port: target,
      pod: pod.metadata.name ?? '',
      revision: revisionOf(pod.metadata.labels),
    });
  }
  return { ...backend, endpoints };
}

function targetPortOf(pod: PodLike, target: number | string): number | undefined {
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    const found = c.ports?.find((p) => p.name === target);
    if (found !== undefined) return found.containerPort;
  }
  return undefined;
}

function matchesSelector(
  labels: Readonly<Record<string, string>> | undefined,
  selector: Readonly<Record<string, string>>,
): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}

function isCanary(ing: IngressLike): boolean {
  return ing.metadata.annotations?.[`${NGINX_ANNOTATION_PREFIX}/canary`]?.trim().toLowerCase() === 'true';
}

function isValidRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

function byMatchOrder(a: Route, b: Route): number {
  if (a.path.length !== b.path.length) return b.path.length - a.path.length;
  if ((a.pathType === 'Exact') !== (b.pathType === 'Exact')) return a.pathType === 'Exact' ? -1 : 1;
  return compareStrings(a.path, b.path);
}

function byAgeThenName(a: IngressLike, b: IngressLike): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return compareStrings(ta, tb);
  return compareStrings(refText(a), refText(b));
}

function namespaceOf(obj: { metadata: MetaLike }): string {
  return obj.metadata.namespace ?? 'default';
}

function refOf(ing: IngressLike): IngressRef {
  return { namespace: namespaceOf(ing), name: ing.metadata.name ?? '' };
}

function refText(ing: IngressLike): string {
  return `${namespaceOf(ing)}/${ing.metadata.name ?? ''}`;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = create();
    map.set(key, v);
  }
  return v;
}
