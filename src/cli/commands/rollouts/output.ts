import { parseDuration } from '../../../api/text/index.js';
import { KanaryError } from '../../../common/index.js';
import type { OutputFormat } from './context.js';

/**
 * The printer of one output format: JSON or YAML of any value, ending in a newline. The YAML printer is imported
 * only when YAML is asked for, so `get rollout`, `list` and `status` without `-o yaml` start without it.
 */
export async function outputFormatter(format: OutputFormat): Promise<(value: unknown) => string> {
  if (format === 'json') return (value) => `${JSON.stringify(value, null, 2)}\n`;
  const { toYaml } = await import('../../../api/text/index.js');
  return toYaml;
}

/** JSON or YAML of any value, ending in a newline. */
export async function formatOutput(value: unknown, format: OutputFormat): Promise<string> {
  return (await outputFormatter(format))(value);
}

/** `30s`, `5m`, `1h30m` or bare seconds, as milliseconds; a usage error names the flag and the value. */
export function durationArg(flag: string, value: string): number {
  try {
    return parseDuration(value, { bareNumberIsSeconds: true });
  } catch {
    throw new KanaryError('BAD_USAGE', `${flag} "${value}" is not a duration; use a number of seconds or 30s, 5m, 1h`);
  }
}
