/**
 * The router: the data plane of local mode. Build a table from Ingress/Service/Pod objects with
 * `buildRoutingTable`, push it whole to a running router (`PUT /_kanary/table`), or run one in process with
 * `startRouter`. See `server.ts` for the admin API and `metrics.ts` for the stats and snapshot shapes.
 */
export type {
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
export {
  TABLE_API_VERSION,
  RoutingTableSchema,
  emptyRoutingTable,
  parseRoutingTable,
  tableVersion,
  withVersion,
} from './table.js';
export type { IngressLike, PodLike, RoutingInput, ServiceLike } from './build.js';
export {
  NGINX_ANNOTATION_PREFIX,
  REVISION_LABELS,
  buildRoutingTable,
  isReadyEndpoint,
  parseCanaryPolicy,
  revisionOf,
} from './build.js';
export type { RequestView } from './select.js';
export { canaryShare, effectiveWeightTotal, selectBackend, selectBackendIndex } from './select.js';
export type { CompiledTable, MatchResult } from './match.js';
export { compileTable, pathMatches } from './match.js';
export type { MetricsSnapshot, ServiceStats, WindowStats } from './metrics.js';
export { parseWindow } from './metrics.js';
export type { ProxyOptions } from './proxy.js';
export type { RouterOptions, RunningRouter } from './server.js';
export { ADMIN_PREFIX, startRouter } from './server.js';
export type { RouterClientOptions } from './client.js';
export { RouterClient } from './client.js';
