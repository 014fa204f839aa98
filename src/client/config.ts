import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readTokenFile } from '../common/node/index.js';

/** Where a local cluster keeps its state when no `--state-dir` or `KANARY_STATE_DIR` says otherwise. */
export function defaultStateDir(): string {
  return process.env.KANARY_STATE_DIR ?? join(homedir(), '.kanary');
}

/** The file a running server writes into its state dir so that CLIs on the same machine can find it. */
export const SERVER_FILE = 'server.json';

export interface ServerInfo {
  url: string;
  routerUrl?: string;
  pid: number;
}

export function readServerInfo(stateDir: string): ServerInfo | undefined {
  const file = join(stateDir, SERVER_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ServerInfo;
  } catch {
    return undefined;
  }
}

export interface Connection {
  url: string;
  token: string | undefined;
}

/**
 * How the CLI reaches a server: `KANARY_SERVER` and `KANARY_TOKEN` win; otherwise the server and token recorded in
 * the state dir (the same machine's server).
 */
export function resolveConnection(stateDir = defaultStateDir()): Connection {
  const info = readServerInfo(stateDir);
  const url = process.env.KANARY_SERVER ?? info?.url ?? 'http://127.0.0.1:7180';
  const token = process.env.KANARY_TOKEN ?? readTokenFile(join(stateDir, 'token'));
  return { url: url.replace(/\/$/, ''), token };
}
