import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The routing table: everything the router needs to serve traffic, and nothing else. It is a plain JSON value,
 * built by `buildRoutingTable` from Ingress, Service and Pod objects, pushed whole by the server, kept on disk by
 * the router. A table is never mutated: a weight change is a new table swapped in at once.
 *
 * `version` is a digest of the content (see `tableVersion`), so pushing the same table twice is a no-op and the
 * router needs no ordering between pushes from a restarted server.
 */

/** Kubernetes Ingress path types. ImplementationSpecific follows ingress-nginx: a plain string prefix. */
export const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'] as const;
export type PathType = (typeof PATH_TYPES)[number];

/** One ready pod behind a Service port. */
export interface Endpoint {
  /** The pod's loopback address ("pod IP"), e.g. 127.1.0.7. */
  readonly ip: string;
  /** The pod's target port (containerPort). */
  readonly port: number;
  /** Pod name, for metrics and the `x-kanary-pod` response header. */
  readonly pod: string;
  /** The pod's `rollouts-pod-template-hash` (or `pod-template-hash`) label; "" when it has neither. */
  readonly revision: string;
}

/** A Service port with its ready endpoints at the moment the table was built. */
export interface Backend {
  readonly namespace: string;
  readonly service: string;
  /** The Service port as the Ingress named it: a number or a port name. */
  readonly servicePort: number | string;
  readonly endpoints: readonly Endpoint[];
}

/** The ingress-nginx traffic-shaping annotations of one canary Ingress, parsed. */
export interface CanaryPolicy {
  /** `canary-weight`: share of requests to the canary, out of `weightTotal`. */
  readonly weight: number;
  /** `canary-weight-total` (default 100). As in ingress-nginx, values at or below 100 count as 100. */
  readonly weightTotal: number;
  /** `canary-by-header`: the header name; absent when not set. */
  readonly header?: string;
  /** `canary-by-header-value`: an exact value of `header` that routes to the canary. */
  readonly headerValue?: string;
  /** `canary-by-header-pattern`: a regular expression on `header`; ignored when `headerValue` is set. */
  readonly headerPattern?: string;
  /** `canary-by-cookie`: the cookie name whose value `always`/`never` forces the choice. */
  readonly cookie?: string;
}

export interface IngressRef {
  readonly namespace: string;
  readonly name: string;
}

/** A canary Ingress attached to the non-canary route with the same host and path. */
export interface CanaryRoute {
  readonly ingress: IngressRef;
  readonly backend: Backend;
  readonly policy: CanaryPolicy;
}

/** One Ingress path. */
export interface Route {
  readonly path: string;
  readonly pathType: PathType;
  readonly ingress: IngressRef;
  readonly backend: Backend;
  /** Canary Ingresses in precedence order (oldest first, as ingress-nginx orders alternative backends). */
  readonly canaries: readonly CanaryRoute[];
}

/** All routes of one host; `host` "" catches every host no other virtual host claims; `*.x.y` is a wildcard. */
export interface VirtualHost {
  readonly host: string;
  /** Routes in match order: longest path first, Exact before the others at equal length. */
  readonly routes: readonly Route[];
}

export interface RoutingTable {
  readonly apiVersion: 'kanary.dev/router/v1';
  /** Content digest of `hosts` (see `tableVersion`). */
  readonly version: string;
  readonly hosts: readonly VirtualHost[];
  /** What the builder skipped and why (unknown Service, canary without a main Ingress, bad annotation...). */
  readonly warnings: readonly string[];
}

export const TABLE_API_VERSION = 'kanary.dev/router/v1';

const EndpointSchema = z.object({
  ip: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  pod: z.string(),
  revision: z.string(),
});

const BackendSchema = z.object({
  namespace: z.string(),
  service: z.string(),
  servicePort: z.union([z.number().int(), z.string()]),
  endpoints: z.array(EndpointSchema),
});

const CanaryPolicySchema = z.object({
  weight: z.number().int().min(0),
  weightTotal: z.number().int().min(1),
  header: z.string().optional(),
  headerValue: z.string().optional(),
  headerPattern: z.string().optional(),
  cookie: z.string().optional(),
});

const IngressRefSchema = z.object({ namespace: z.string(), name: z.string() });

const RouteSchema = z.object({
  path: z.string(),
  pathType: z.enum(PATH_TYPES),
  ingress: IngressRefSchema,
  backend: BackendSchema,
  canaries: z.array(z.object({ ingress: IngressRefSchema, backend: BackendSchema, policy: CanaryPolicySchema })),
});

/** The wire and disk schema of a routing table; `parseRoutingTable` checks pushed and loaded tables with it. */
export const RoutingTableSchema = z.object({
  apiVersion: z.literal(TABLE_API_VERSION),
  version: z.string(),
  hosts: z.array(z.object({ host: z.string(), routes: z.array(RouteSchema) })),
  warnings: z.array(z.string()),
});

/** Validates an unknown JSON value as a routing table; throws a zod error naming the bad field. */
export function parseRoutingTable(value: unknown): RoutingTable {
  return RoutingTableSchema.parse(value);
}

/** The table a router starts with when it has none: every request is a 404. */
export function emptyRoutingTable(): RoutingTable {
  return withVersion({ hosts: [], warnings: [] });
}

/** A short content digest of the hosts (the part that decides routing), stable across key order. */
export function tableVersion(hosts: readonly VirtualHost[]): string {
  return createHash('sha256').update(canonicalJson(hosts)).digest('hex').slice(0, 16);
}

/** Completes a table body with its apiVersion and content version. */
export function withVersion(body: { hosts: readonly VirtualHost[]; warnings: readonly string[] }): RoutingTable {
  return {
    apiVersion: TABLE_API_VERSION,
    version: tableVersion(body.hosts),
    hosts: body.hosts,
    warnings: body.warnings,
  };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
