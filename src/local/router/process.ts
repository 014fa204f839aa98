import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadOrCreateTokenFile } from '../../common/node/index.js';
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
/** The router accepts admin tokens of 16 characters and more (`startRouter`'s own minimum). */
const ROUTER_TOKEN_MIN_LENGTH = 16;

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
  const adminToken =
    process.env.KANARY_ROUTER_TOKEN ??
    loadOrCreateTokenFile(values['token-file'] ?? `${stateFile}.token`, ROUTER_TOKEN_MIN_LENGTH);
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

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`router: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
