import { parseDuration, toYaml } from '../../../api/index.js';
import { KanaryError } from '../../../common/index.js';
import type { OutputFormat } from './context.js';

/** JSON or YAML of any value, ending in a newline. */
export function formatOutput(value: unknown, format: OutputFormat): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : toYaml(value);
}

/** `30s`, `5m`, `1h30m` or bare seconds, as milliseconds; a usage error names the flag and the value. */
export function durationArg(flag: string, value: string): number {
  try {
    return parseDuration(value, { bareNumberIsSeconds: true });
  } catch {
    throw new KanaryError('BAD_USAGE', `${flag} "${value}" is not a duration; use a number of seconds or 30s, 5m, 1h`);
  }
}
