import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from './config.js';
import { METRICS_CONTENT_TYPE, type RequestCounter } from './metrics.js';

/** What the app server needs; passed in so tests and main wire the same code. */
export interface AppDeps {
  readonly identity: Identity;
  readonly counter: RequestCounter;
  readonly errorRate: number;
  readonly latencyMs: number;
  /** Uniform in [0, 1); decides which `/success` requests are turned into injected errors. */
  readonly random: () => number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The app server: `/success` answers the pod's identity, `/error` answers 500, anything else Go's default 404.
 * Like the seed, it reads no request headers and accepts any method.
 */
export function createAppHandler(deps: AppDeps): Handler {
  // Compact JSON in the seed's field order, plus the newline Go's json.Encoder appends.
  const body = JSON.stringify({
    node: deps.identity.node,
    namespace: deps.identity.namespace,
    pod: deps.identity.pod,
    deployment: deps.identity.deployment,
  });
  const successBody = Buffer.from(body + '\n', 'utf8');

  return (req, res) => {
    const path = pathOf(req);
    if (path === '/success') {
      // Draw on arrival so the sequence of outcomes follows the arrival order, whatever the latency.
      const injectError = deps.errorRate > 0 && deps.random() < deps.errorRate;
      afterLatency(deps.latencyMs, res, () => {
        if (injectError) {
          answerError(deps.counter, res);
          return;
        }
        deps.counter.inc(true);
        res.writeHead(200, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Length': String(successBody.length),
        });
        res.end(successBody);
      });
    } else if (path === '/error') {
      afterLatency(deps.latencyMs, res, () => {
        answerError(deps.counter, res);
      });
    } else {
      notFound(res);
    }
  };
}

/** The metrics server: the exposition at exactly `/monitoring/metrics`, 404 elsewhere. */
export function createMetricsHandler(counter: RequestCounter): Handler {
  return (req, res) => {
    if (pathOf(req) !== '/monitoring/metrics') {
      notFound(res);
      return;
    }
    const text = Buffer.from(counter.render(), 'utf8');
    res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE, 'Content-Length': String(text.length) });
    res.end(text);
  };
}

function answerError(counter: RequestCounter, res: ServerResponse): void {
  counter.inc(false);
  res.writeHead(500, { 'Content-Length': '0' });
  res.end();
}

/** Go's http.NotFound, byte for byte. */
function notFound(res: ServerResponse): void {
  const text = '404 page not found\n';
  res.writeHead(404, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function afterLatency(latencyMs: number, res: ServerResponse, answer: () => void): void {
  if (latencyMs <= 0) {
    answer();
    return;
  }
  const timer = setTimeout(answer, latencyMs);
  // A client that hangs up early must not be answered (nor counted) later.
  res.on('close', () => {
    if (!res.writableEnded) clearTimeout(timer);
  });
}

/** The path without the query string; ServeMux matches on the path alone. */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
