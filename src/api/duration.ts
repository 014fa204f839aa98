import { KanaryError } from '../common/index.js';

/**
 * Argo durations. Metric `interval`/`initialDelay` are Go `time.ParseDuration` strings ("30s", "1m", "1h30m",
 * "500ms", "1.5h"); pause `duration` is an IntOrString where a bare number (or unitless numeric string) means
 * seconds. All values here are milliseconds.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

export interface ParseDurationOptions {
  /** Accept a bare number or unitless numeric string as seconds (pause durations, Argo's IntOrString). */
  bareNumberIsSeconds?: boolean;
}

/** Parses an Argo duration to milliseconds; undefined when it does not parse. Negative values are allowed (Go allows them). */
export function tryParseDuration(value: string | number, options: ParseDurationOptions = {}): number | undefined {
  if (typeof value === 'number') {
    return options.bareNumberIsSeconds && Number.isFinite(value) ? value * 1000 : undefined;
  }
  let s = value.trim();
  if (options.bareNumberIsSeconds && /^-?\d+$/.test(s)) return Number(s) * 1000;
  if (s === '0') return 0;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  if (s === '') return undefined;
  let total = 0;
  while (s.length > 0) {
    const m = PART.exec(s);
    if (!m) return undefined;
    const [whole, num, unit] = m;
    total += Number(num) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
    s = s.slice(whole.length);
  }
  return Number.isFinite(total) ? sign * total : undefined;
}

/** Parses an Argo duration to milliseconds, or throws INVALID_SPEC naming the value. */
export function parseDuration(value: string | number, options: ParseDurationOptions = {}): number {
  const ms = tryParseDuration(value, options);
  if (ms === undefined) {
    const expected = options.bareNumberIsSeconds
      ? 'a number of seconds or a duration such as "30s", "5m", "1h30m"'
      : 'a duration such as "500ms", "30s", "5m", "1h30m"';
    throw new KanaryError('INVALID_SPEC', `invalid duration ${JSON.stringify(value)}: expected ${expected}`);
  }
  return ms;
}

/** Formats milliseconds compactly in Argo's notation: 5400000 -> "1h30m", 1500 -> "1.5s", 250 -> "250ms", 0 -> "0s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1000) return `${round(ms)}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  let out = '';
  if (h > 0) out += `${h}h`;
  if (m > 0) out += `${m}m`;
  if (s > 0) out += `${round(s)}s`;
  return out;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
