import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A benchmark upstream: answers every request with a small JSON body, like the sample app's `/success`.
 * Usage: node --import tsx bench/router/upstream.ts HOST NAME   (prints {"port":N} once listening)
 */
const host = process.argv[2] ?? '127.0.0.1';
const name = process.argv[3] ?? 'upstream';
const body = JSON.stringify({ node: 'local', namespace: 'default', pod: name, deployment: 'stable' });

const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, host, () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
