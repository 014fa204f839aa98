import { Option } from '@commander-js/extra-typings';
import { KanaryClient, resolveConnection } from '../../../client/index.js';

/**
 * What every verb over the server needs, kept cheap to import: the options are built for `--help`, the context
 * only when a verb runs; tests build one over their own server. Output formatting (the API's YAML) lives in
 * `output.ts`, loaded by the verbs that print.
 */
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
