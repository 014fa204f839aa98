import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KanaryError } from '../../common/index.js';
import type { StateLayout } from './layout.js';

export interface RouterInfo {
  pid: number;
  url: string;
  port: number;
}

const ROUTER_ENTRY = fileURLToPath(new URL('../router/process.ts', import.meta.url));

function readInfo(file: string): RouterInfo | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RouterInfo;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/_kanary/table`, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Finds the cluster's router or starts it. The router is its own detached process so that it keeps serving while
 * the server restarts; a restarted server re-adopts it through `router.json` when the recorded process is alive
 * and answers on its address. A router on another port than asked is kept (its clients know its address from the
 * state dir); `stopRouter` ends it.
 */
export async function ensureRouter(layout: StateLayout, options: { port: number; host: string }): Promise<RouterInfo> {
  const known = readInfo(layout.routerInfo);
  if (known !== undefined && alive(known.pid) && (await answers(known.url))) return known;

  mkdirSync(dirname(layout.routerTable), { recursive: true, mode: 0o700 });
  const log = openSync(layout.routerLog, 'a');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ROUTER_ENTRY,
      '--port',
      String(options.port),
      '--host',
      options.host,
      '--state',
      layout.routerTable,
      '--token-file',
      layout.routerToken,
    ],
    { detached: true, stdio: ['ignore', 'pipe', log], cwd: fileURLToPath(new URL('../../..', import.meta.url)) },
  );
  closeSync(log);
  const info = await new Promise<RouterInfo>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      reject(new KanaryError('TIMEOUT', `the router did not start within 20 s; see ${layout.routerLog}`));
    }, 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line === undefined) return;
      clearTimeout(timer);
      const parsed = JSON.parse(line) as { url: string; port: number; pid: number };
      resolve({ pid: parsed.pid, url: parsed.url, port: parsed.port });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new KanaryError(
          'INTERNAL',
          `the router exited with code ${String(code)} before listening (port ${options.port} taken?); see ${layout.routerLog}`,
        ),
      );
    });
  });
  child.stdout?.destroy();
  child.unref();
  writeFileSync(layout.routerInfo, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  return info;
}

/** Stops the cluster's router (SIGTERM: it drains first) and waits for it to exit, up to 10 s. */
export async function stopRouter(layout: StateLayout): Promise<void> {
  const info = readInfo(layout.routerInfo);
  if (info === undefined || !alive(info.pid)) return;
  process.kill(info.pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(info.pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(info.pid)) process.kill(info.pid, 'SIGKILL');
}

export function routerToken(layout: StateLayout): string {
  return readFileSync(layout.routerToken, 'utf8').trim();
}
