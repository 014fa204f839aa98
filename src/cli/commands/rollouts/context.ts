import { Option } from '@commander-js/extra-typings';
import { parseDuration, toYaml } from '../../../api/index.js';
import { KanaryClient, resolveConnection } from '../../../client/index.js';
import { KanaryError } from '../../../common/index.js';

/** What every verb over the server needs; tests build one over their own server. */
export interface CliContext {
  client: KanaryClient;
  /** The token the client writes with (the dashboard URL carries it). */
  token: string | undefined;
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  env: NodeJS.ProcessEnv;
}

export function defaultContext(): CliContext {
  const conn = resolveConnection();
  return { client: new KanaryClient(conn), token: conn.token, out: process.stdout, env: process.env };
}

export const namespaceOption = () => new Option('-n, --namespace <ns>', 'the namespace').default('default');

export type OutputFormat = 'json' | 'yaml';

export const outputOption = () =>
  new Option('-o, --output <format>', 'print the result as json or yaml').choices(['json', 'yaml'] as const);

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
