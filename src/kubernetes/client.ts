import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { KanaryError } from '../common/index.js';

/** Where to find the cluster: a kubeconfig file and context, or (neither given, inside a pod) the in-cluster config. */
export interface KubeConnectionOptions {
  /** Path of a kubeconfig file; default: $KUBECONFIG, ~/.kube/config, then the in-cluster service account. */
  kubeconfig?: string;
  /** A context of the kubeconfig; default: its current context. */
  context?: string;
}

const IN_CLUSTER_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Loads a KubeConfig through @kubernetes/client-node; BAD_USAGE when the file or the context does not exist. */
export function loadKubeConfig(options: KubeConnectionOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new KanaryError(
      'BAD_USAGE',
      `cannot load the kubeconfig ${options.kubeconfig ?? '(default)'}: ${err instanceof Error ? err.message : String(err)}; pass --kubeconfig PATH to a readable file`,
      { cause: err },
    );
  }
  if (options.context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === options.context)) {
      throw new KanaryError(
        'BAD_USAGE',
        `--context ${options.context}: no such context in the kubeconfig; it has ${kc
          .getContexts()
          .map((c) => c.name)
          .join(', ')}`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new KanaryError('BAD_USAGE', 'the kubeconfig names no current cluster; pass --context NAME or fix the file');
  }
  return kc;
}

/** The namespace of the kubeconfig's current context, or of the pod's service account, or "default". */
export function defaultNamespaceOf(kc: KubeConfig): string {
  const ns = kc.getContextObject(kc.getCurrentContext())?.namespace;
  if (ns !== undefined && ns !== '') return ns;
  try {
    const inCluster = readFileSync(IN_CLUSTER_NAMESPACE_FILE, 'utf8').trim();
    if (inCluster !== '') return inCluster;
  } catch {
    // not in a pod
  }
  return 'default';
}

export interface KubeResponse {
  status: number;
  body: unknown;
}

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
}

/** A streaming GET (a watch): lines as they arrive, then one end call with the reason. */
export interface StreamHandlers {
  onResponse: (status: number) => void;
  onLine: (line: string) => void;
  onEnd: (err: Error | undefined) => void;
}

/**
 * A small REST client for the API server: authentication and TLS come from the KubeConfig (so tokens, client
 * certificates, exec plugins and in-cluster service accounts work as with kubectl); requests go over one
 * keep-alive agent. Only what the store needs: JSON requests and line-streamed watches.
 */
export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly server: URL;
  #agent: http.Agent | undefined;
  readonly #sockets = new Set<http.ClientRequest>();

  constructor(kc: KubeConfig) {
    this.kubeConfig = kc;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KanaryError('BAD_USAGE', 'the kubeconfig names no current cluster');
    this.server = new URL(cluster.server);
  }

  async #options(method: string, path: string, headers: Record<string, string>): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = { headers: { ...headers } };
    await this.kubeConfig.applyToHTTPSOptions(opts);
    const secure = this.server.protocol === 'https:';
    if (!this.#agent) {
      this.#agent = secure
        ? new https.Agent({
            keepAlive: true,
            ...(opts.ca === undefined ? {} : { ca: opts.ca }),
            ...(opts.cert === undefined ? {} : { cert: opts.cert }),
            ...(opts.key === undefined ? {} : { key: opts.key }),
            ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }),
            ...(opts.servername === undefined ? {} : { servername: opts.servername }),
          })
        : new http.Agent({ keepAlive: true });
    }
    const basePath = this.server.pathname.replace(/\/$/, '');
    return {
      protocol: this.server.protocol,
      hostname: this.server.hostname,
      port: this.server.port,
      method,
      path: `${basePath}${path}`,
      headers: opts.headers,
      ...(opts.auth === undefined ? {} : { auth: opts.auth }),
      agent: this.#agent,
    };
  }

  #send(options: https.RequestOptions): http.ClientRequest {
    return this.server.protocol === 'https:' ? https.request(options) : http.request(options);
  }

  /** One JSON request; resolves with any HTTP status, rejects only when the server cannot be reached. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<KubeResponse> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const reqOptions = await this.#options(method, withQuery(path, options.query), headers);
    return new Promise<KubeResponse>((resolve, reject) => {
      const req = this.#send(reqOptions);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            // keep the text: an error page from a proxy
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('error', (err) => reject(this.#unreachable(err)));
      req.end(body);
    });
  }

  /** A long-lived streaming GET; returns a function that aborts it (onEnd is not called after an abort). */
  stream(path: string, query: Record<string, string | undefined>, handlers: StreamHandlers): () => void {
    let aborted = false;
    let req: http.ClientRequest | undefined;
    const end = (err: Error | undefined): void => {
      if (aborted) return;
      aborted = true;
      if (req) this.#sockets.delete(req);
      handlers.onEnd(err);
    };
    this.#options('GET', withQuery(path, query), { accept: 'application/json' }).then(
      (options) => {
        if (aborted) return;
        req = this.#send(options);
        this.#sockets.add(req);
        req.on('response', (res) => {
          handlers.onResponse(res.statusCode ?? 0);
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
              const line = buffer.slice(0, nl).trim();
              buffer = buffer.slice(nl + 1);
              if (line !== '' && !aborted) handlers.onLine(line);
            }
          });
          res.on('end', () => {
            if (buffer.trim() !== '' && !aborted) handlers.onLine(buffer.trim());
            end(undefined);
          });
          res.on('error', (err) => end(err));
          res.on('close', () => end(undefined));
        });
        req.on('error', (err) => end(this.#unreachable(err)));
        req.end();
      },
      (err: unknown) => end(err instanceof Error ? err : new Error(String(err))),
    );
    return () => {
      if (aborted) return;
      aborted = true;
      if (req) {
        this.#sockets.delete(req);
        req.destroy();
      }
    };
  }

  #unreachable(err: Error): KanaryError {
    return new KanaryError(
      'INTERNAL',
      `cannot reach the Kubernetes API server at ${this.server.origin}: ${err.message}; check --kubeconfig and --context`,
      { cause: err },
    );
  }

  /** Aborts open streams and closes idle connections. */
  close(): void {
    for (const req of this.#sockets) req.destroy();
    this.#sockets.clear();
    this.#agent?.destroy();
    this.#agent = undefined;
  }
}

function withQuery(path: string, query: Record<string, string | undefined> | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, v);
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}
