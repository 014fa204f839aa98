import type { Route, RoutingTable, VirtualHost } from './table.js';

/**
 * Host and path matching over a routing table, compiled once per table so the hot path does one map lookup per
 * request. Host: an exact host first, then a `*.suffix` wildcard covering exactly one label, then the catch-all
 * "" virtual host; a host with no match is a 404. Path, within the chosen host only (as nginx's server blocks):
 * the first route in the table's order (longest first) whose type accepts the path.
 */
export interface CompiledTable {
  readonly table: RoutingTable;
  /** Finds the route for a Host header value and a request target (path plus optional query). */
  match(hostHeader: string | undefined, target: string): MatchResult;
}

export type MatchResult =
  | { readonly kind: 'route'; readonly route: Route; readonly host: VirtualHost }
  | { readonly kind: 'no-host' }
  | { readonly kind: 'no-path'; readonly host: VirtualHost };

export function compileTable(table: RoutingTable): CompiledTable {
  const exact = new Map<string, VirtualHost>();
  const wildcard = new Map<string, VirtualHost>();
  let catchAll: VirtualHost | undefined;
  for (const vh of table.hosts) {
    if (vh.host === '') catchAll = vh;
    else if (vh.host.startsWith('*.')) wildcard.set(vh.host.slice(1), vh);
    else exact.set(vh.host, vh);
  }
  const findHost = (hostHeader: string | undefined): VirtualHost | undefined => {
    const host = normaliseHost(hostHeader);
    const hit = exact.get(host);
    if (hit !== undefined) return hit;
    if (wildcard.size > 0) {
      const dot = host.indexOf('.');
      if (dot > 0) {
        const wc = wildcard.get(host.slice(dot));
        if (wc !== undefined) return wc;
      }
    }
    return catchAll;
  };
  return {
    table,
    match(hostHeader, target) {
      const vh = findHost(hostHeader);
      if (vh === undefined) return { kind: 'no-host' };
      const path = pathOf(target);
      for (const route of vh.routes) {
        if (pathMatches(route.pathType, route.path, path)) return { kind: 'route', route, host: vh };
      }
      return { kind: 'no-path', host: vh };
    },
  };
}

/** Kubernetes path semantics; ImplementationSpecific is a plain string prefix, as in ingress-nginx. */
export function pathMatches(pathType: Route['pathType'], routePath: string, requestPath: string): boolean {
  switch (pathType) {
    case 'Exact':
      return requestPath === routePath;
    case 'ImplementationSpecific':
      return requestPath.startsWith(routePath);
    case 'Prefix': {
      // Element-wise prefix: "/foo" (or "/foo/") matches "/foo", "/foo/" and "/foo/bar", never "/foobar".
      let p = routePath;
      while (p.endsWith('/')) p = p.slice(0, -1);
      if (p === '') return true;
      return requestPath === p || (requestPath.startsWith(p) && requestPath.charCodeAt(p.length) === 47);
    }
  }
}

/** The Host header without port, lower-cased; IPv6 literals keep their brackets. */
export function normaliseHost(hostHeader: string | undefined): string {
  if (hostHeader === undefined) return '';
  let h = hostHeader;
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    h = end > 0 ? h.slice(0, end + 1) : h;
  } else {
    const colon = h.indexOf(':');
    if (colon >= 0) h = h.slice(0, colon);
  }
  return h.toLowerCase();
}

function pathOf(target: string): string {
  const q = target.indexOf('?');
  const path = q >= 0 ? target.slice(0, q) : target;
  return path === '' ? '/' : path;
}
