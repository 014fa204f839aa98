import { KanaryError } from '../common/index.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go/k6-style duration ("500ms", "40s", "1m30s", "1.5m") into milliseconds.
 * `what` names the flag or field in the error message.
 */
export function parseDuration(text: string, what: string): number {
  const trimmed = text.trim();
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(trimmed)) !== null) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    consumed = part.lastIndex;
  }
  if (trimmed === '' || consumed !== trimmed.length || !Number.isFinite(total)) {
    throw new KanaryError('BAD_USAGE', `${what} "${text}" is not a duration; write it like 500ms, 40s, 1m30s or 2h`);
  }
  return total;
}

/** Renders milliseconds the way k6 prints durations: "512.3µs", "1.07ms", "2.5s", "1m0s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${Math.trunc(ms * 1_000_000)}ns`;
  if (ms < 1) return `${trimFixed(ms * 1_000, 2)}µs`;
  if (ms < 1_000) return `${trimFixed(ms, 2)}ms`;
  if (ms < 60_000) return `${trimFixed(ms / 1_000, 2)}s`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return hours > 0 ? `${hours}h${minutes}m${seconds}s` : `${minutes}m${seconds}s`;
}

function trimFixed(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}
