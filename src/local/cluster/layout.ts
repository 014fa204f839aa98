import { join } from 'node:path';

/**
 * Where a local cluster keeps everything inside its state dir. One state dir is one cluster: the server, the
 * router and the pods of that cluster all find each other through these files.
 */
export interface StateLayout {
  root: string;
  /** The SQLite database of every object (WAL mode). */
  database: string;
  /** The supervisor's pid files and pod records. */
  pods: string;
  /** One log file per pod container. */
  logs: string;
  /** The router's last routing table (it reloads it on start) and its admin token beside it. */
  routerTable: string;
  routerToken: string;
  /** The running router's pid and address, so a restarted server re-adopts it. */
  routerInfo: string;
  /** The router's own log. */
  routerLog: string;
  /** Images to commands for this cluster (optional, see docs/local-mode.md). */
  images: string;
}

export function stateLayout(root: string): StateLayout {
  return {
    root,
    database: join(root, 'state.db'),
    pods: join(root, 'pods'),
    logs: join(root, 'logs'),
    routerTable: join(root, 'router', 'table.json'),
    routerToken: join(root, 'router', 'token'),
    routerInfo: join(root, 'router', 'router.json'),
    routerLog: join(root, 'router', 'router.log'),
    images: join(root, 'images.yaml'),
  };
}

/** Default ports: away from the seed app's 8080 and 9090 and from Prometheus' 9090. */
export const DEFAULT_SERVER_PORT = 7180;
export const DEFAULT_ROUTER_PORT = 7181;
