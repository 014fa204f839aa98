import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startRouter } from './server.js';

/**
 * The router as its own process (the data plane of local mode), so it keeps serving while `kanary server` is
 * down or restarting:
 *
 *   node --import tsx src/local/router/process.ts --port N --state FILE [--host 127.0.0.1] [--token-file F]
 *
 * The admin token comes from env `KANARY_ROUTER_TOKEN`, else from `--token-file`, else from `<state>.token`
 * (created with mode 0600 when missing). Once listening it prints one JSON line to stdout:
 * `{"event":"listening","url":"http://127.0.0.1:N","port":N,"pid":P}`. SIGTERM or SIGINT drain and exit 0.
 */
export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      state: { type: 'string' },
      'token-file': { type: 'string' },
    },
    strict: true,
  });
  const stateFile = values.state;
  const port = Number(values.port);
  if (stateFile === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write('usage: router --state FILE [--port N] [--host ADDR] [--token-file FILE]\n');
    process.exitCode = 2;
    return;
  }
  const adminToken = process.env.KANARY_ROUTER_TOKEN ?? readOrCreateToken(values['token-file'] ?? `${stateFile}.token`);
  if (!values.host.startsWith('127.') && values.host !== '::1' && values.host !== 'localhost') {
    process.stderr.write(`warning: router listening on non-loopback address ${values.host}\n`);
  }
  const router = await startRouter({
    port,
    host: values.host,
    stateFile,
    adminToken,
    log: (m) => process.stderr.write(`${new Date().toISOString()} ${m}\n`),
  });
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', url: router.url, port: router.port, pid: process.pid })}\n`,
  );
  const stop = (): void => {
    void router.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function readOrCreateToken(file: string): string {
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return token;
  }
  const token = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`router: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
