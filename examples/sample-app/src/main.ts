/**
 * The seed's sample app, in TypeScript: `node --import tsx examples/sample-app/src/main.ts`.
 * Environment and behaviour are described in ../README.md.
 */
import { ConfigError, readConfig } from './config.js';
import { startSampleApp } from './server.js';

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const app = await startSampleApp(config);
  const metrics = app.metricsAddress === undefined ? 'off' : formatAddress(app.metricsAddress);
  // One line on stdout so supervisors and tests can learn ports bound as 0.
  process.stdout.write(`sample-app listening http=${formatAddress(app.httpAddress)} metrics=${metrics}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function formatAddress(a: { address: string; port: number; family: string }): string {
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

main().catch((err: unknown) => {
  // Like Go's log.Fatal: one line on stderr, exit 1.
  const message = err instanceof ConfigError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`sample-app: ${message}\n`);
  process.exit(1);
});
