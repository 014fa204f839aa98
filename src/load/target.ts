import { KanaryError } from '../common/index.js';

/** The seed's request headers (k6/script.js): the Ingress host, and a JSON content type k6 sends along. */
export const SEED_HEADERS: Readonly<Record<string, string>> = {
  Host: 'sample.app',
  'Content-Type': 'application/json',
};

export const DEFAULT_PATH = '/success';

/**
 * The URL to load: `path` (when given) replaces the base URL's path; otherwise a bare origin gets `/success`
 * and a URL with a path is used as it is.
 */
export function resolveTarget(base: string, path?: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new KanaryError('BAD_USAGE', `target URL "${base}" is not a URL; give one like http://127.0.0.1:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new KanaryError(
      'BAD_USAGE',
      `target URL "${base}" is not http or https; give one like http://127.0.0.1:8080`,
    );
  }
  if (path !== undefined) {
    if (!path.startsWith('/')) {
      throw new KanaryError('BAD_USAGE', `--path "${path}" must start with /, like /success`);
    }
    const q = path.indexOf('?');
    url.pathname = q === -1 ? path : path.slice(0, q);
    url.search = q === -1 ? '' : path.slice(q);
  } else if (url.pathname === '/' && url.search === '') {
    url.pathname = DEFAULT_PATH;
  }
  return url.toString();
}

/** Parses `-H 'Name: value'`. An empty value (`-H 'Host:'`) means "remove this default header". */
export function parseHeader(text: string): [name: string, value: string] {
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new KanaryError('BAD_USAGE', `-H "${text}" is not "Name: value"; write it like -H 'X-Canary: always'`);
  }
  return [name, text.slice(colon + 1).trim()];
}

/**
 * Applies header overrides on top of defaults, matching names case-insensitively; the override's spelling wins
 * and an empty value removes the header.
 */
export function mergeHeaders(
  defaults: Readonly<Record<string, string>>,
  overrides: readonly (readonly [string, string])[],
): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries(defaults)) merged.set(name.toLowerCase(), [name, value]);
  for (const [name, value] of overrides) {
    if (value === '') merged.delete(name.toLowerCase());
    else merged.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(merged.values());
}
