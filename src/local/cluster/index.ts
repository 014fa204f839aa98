export { startLocalCluster } from './cluster.js';
export type { LocalCluster, LocalClusterOptions } from './cluster.js';
export { DEFAULT_ROUTER_PORT, DEFAULT_SERVER_PORT, stateLayout } from './layout.js';
export type { StateLayout } from './layout.js';
export { stopRouter } from './router-process.js';
