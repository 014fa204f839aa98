import type { CanaryPolicy, Route } from './table.js';

/**
 * Chooses between a route's stable backend and its canaries, with ingress-nginx's rules and precedence
 * (its Lua balancer, `get_alternative_or_original_balancer`):
 *
 * 1. canary-by-header: when the request carries the header, `canary-by-header-value` (exact) or else
 *    `canary-by-header-pattern` (a regular expression, unanchored) routes a match to the canary; without either,
 *    the value `always` routes to the canary and `never` rules this canary out of the later steps. Any other
 *    value, or a value that does not match, falls through.
 * 2. canary-by-cookie: the cookie's value `always` routes to the canary, `never` rules it out; others fall through.
 * 3. canary-weight: a draw in 1..total at or below `weight` routes to the canary, where total is
 *    `canary-weight-total` when above 100, else 100.
 *
 * Each step runs over every canary in order before the next step. A canary whose Service has no ready endpoint is
 * skipped, as ingress-nginx drops balancers without endpoints, so its traffic stays on stable.
 *
 * Pure: `rand` is one uniform draw in [0, 1). With several canaries, the weight step reuses the part of the draw
 * a canary did not take, which keeps each canary's chance exactly as if it had its own draw.
 */
export function selectBackend(route: Route, request: RequestView, rand: number): 'stable' | 'canary' {
  return selectBackendIndex(route, request, rand) < 0 ? 'stable' : 'canary';
}

/** As `selectBackend`, returning the index of the chosen canary in `route.canaries`, or -1 for stable. */
export function selectBackendIndex(route: Route, request: RequestView, rand: number): number {
  const canaries = route.canaries;
  if (canaries.length === 0) return -1;
  // excluded[i]: canary i takes no part in later steps (no endpoints, or a `never`).
  const excluded = canaries.map((c) => c.backend.endpoints.length === 0);
  if (excluded.every(Boolean)) return -1;
  const byHeader = headerStep(canaries, excluded, request);
  if (byHeader >= 0) return byHeader;
  const byCookie = cookieStep(canaries, excluded, request);
  if (byCookie >= 0) return byCookie;
  return weightStep(canaries, excluded, rand);
}

function headerStep(canaries: Route['canaries'], excluded: boolean[], request: RequestView): number {
  for (let i = 0; i < canaries.length; i++) {
    const c = canaries[i];
    if (c === undefined || excluded[i] === true) continue;
    const verdict = headerVerdict(c.policy, request);
    if (verdict === 'always') return i;
    if (verdict === 'never') excluded[i] = true;
  }
  return -1;
}

function cookieStep(canaries: Route['canaries'], excluded: boolean[], request: RequestView): number {
  let cookies: Map<string, string> | undefined;
  for (let i = 0; i < canaries.length; i++) {
    const name = canaries[i]?.policy.cookie;
    if (excluded[i] === true || name === undefined) continue;
    cookies ??= parseCookies(firstValue(request.headers.cookie));
    const value = cookies.get(name);
    if (value === 'always') return i;
    if (value === 'never') excluded[i] = true;
  }
  return -1;
}

function weightStep(canaries: Route['canaries'], excluded: readonly boolean[], rand: number): number {
  let r = rand;
  for (let i = 0; i < canaries.length; i++) {
    const policy = canaries[i]?.policy;
    if (excluded[i] === true || policy === undefined || policy.weight <= 0) continue;
    const total = effectiveWeightTotal(policy);
    const scaled = r * total;
    if (Math.floor(scaled) < policy.weight) return i;
    // Conditioned on not choosing this canary, (scaled - weight) / (total - weight) is again uniform in [0, 1).
    r = total > policy.weight ? (scaled - policy.weight) / (total - policy.weight) : 0;
  }
  return -1;
}

/** The request facts selection reads: headers as Node gives them (lower-case names). */
export interface RequestView {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** The denominator of the weight draw: ingress-nginx only honours `canary-weight-total` above 100. */
export function effectiveWeightTotal(policy: CanaryPolicy): number {
  return policy.weightTotal > 100 ? policy.weightTotal : 100;
}

/** The share of requests (0..1) the weight step sends to a lone canary. */
export function canaryShare(policy: CanaryPolicy): number {
  return Math.min(policy.weight, effectiveWeightTotal(policy)) / effectiveWeightTotal(policy);
}

type Verdict = 'always' | 'never' | 'pass';

function headerVerdict(policy: CanaryPolicy, request: RequestView): Verdict {
  if (policy.header === undefined) return 'pass';
  const value = firstValue(request.headers[policy.header.toLowerCase()]);
  if (value === undefined) return 'pass';
  if (policy.headerValue !== undefined) return value === policy.headerValue ? 'always' : 'pass';
  if (policy.headerPattern !== undefined) {
    const re = compilePattern(policy.headerPattern);
    // A broken pattern rules the canary out, as ingress-nginx does when its regex engine reports an error.
    if (re === null) return 'never';
    return re.test(value) ? 'always' : 'pass';
  }
  if (value === 'always') return 'always';
  if (value === 'never') return 'never';
  return 'pass';
}

function firstValue(v: string | readonly string[] | undefined): string | undefined {
  if (v === undefined || typeof v === 'string') return v;
  return v[0];
}

const patternCache = new Map<string, RegExp | null>();

/** Compiles (and memoises) a header pattern; null when it is not a valid regular expression. */
function compilePattern(source: string): RegExp | null {
  let re = patternCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    if (patternCache.size > 1000) patternCache.clear();
    patternCache.set(source, re);
  }
  return re;
}

/** Parses a Cookie header; the first occurrence of a name wins, as nginx's `$cookie_NAME` does. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (header === undefined) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name !== '' && !out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}
