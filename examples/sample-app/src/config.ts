/**
 * The sample app's configuration, read once at startup from the environment, as the seed's Go app does.
 * The four identity variables default to "" when unset; METRICS_PORT's mere presence turns the metrics server on.
 */
export interface SampleAppConfig {
  /** Address to bind (env HOST); undefined binds all interfaces. Local mode gives each pod its own loopback IP. */
  readonly host: string | undefined;
  readonly httpPort: number;
  /** undefined when METRICS_PORT is absent: no metrics server, as in the seed's Part 1 chart. */
  readonly metricsPort: number | undefined;
  readonly identity: Identity;
  /** Fraction (0..1) of `/success` requests answered as errors: 500, empty body, counted success="false". */
  readonly errorRate: number;
  /** Milliseconds added before answering `/success` and `/error`. */
  readonly latencyMs: number;
  /** Seed of the random source that decides injected errors; undefined draws one at startup. */
  readonly randomSeed: number | undefined;
}

export interface Identity {
  readonly node: string;
  readonly namespace: string;
  readonly pod: string;
  readonly deployment: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

export function readConfig(env: Env): SampleAppConfig {
  const metricsPort = env.METRICS_PORT;
  return {
    host: env.HOST === undefined || env.HOST === '' ? undefined : env.HOST,
    httpPort: parsePort('HTTP_PORT', env.HTTP_PORT ?? ''),
    metricsPort: metricsPort === undefined ? undefined : parsePort('METRICS_PORT', metricsPort),
    identity: {
      node: env.KUBERNETES_NODE ?? '',
      namespace: env.KUBERNETES_NAMESPACE ?? '',
      pod: env.KUBERNETES_POD ?? '',
      deployment: env.KUBERNETES_DEPLOYMENT ?? '',
    },
    errorRate: parseNumber('ERROR_RATE', env.ERROR_RATE, 0, 1, 'a fraction between 0 and 1, e.g. 0.2'),
    latencyMs: parseNumber('LATENCY_MS', env.LATENCY_MS, 0, 600_000, 'milliseconds between 0 and 600000'),
    randomSeed:
      env.RANDOM_SEED === undefined || env.RANDOM_SEED === ''
        ? undefined
        : parseNumber('RANDOM_SEED', env.RANDOM_SEED, 0, 2 ** 32 - 1, 'an integer between 0 and 4294967295'),
  };
}

/** An empty port means "any free port" (Go's `":"` listens on an ephemeral port too). */
function parsePort(name: string, raw: string): number {
  if (raw === '') return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`env ${name}="${raw}" is not a TCP port; set it to an integer between 0 and 65535`);
  }
  return port;
}

function parseNumber(name: string, raw: string | undefined, min: number, max: number, expected: string): number {
  if (raw === undefined || raw === '') return 0;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`env ${name}="${raw}" is out of range; set it to ${expected}`);
  }
  return value;
}
