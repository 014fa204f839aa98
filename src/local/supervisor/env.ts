import { cpus, totalmem } from 'node:os';
import { ENV_VAR_NAME_PATTERN } from '../../api/index.js';
import type { Container, EnvFromSource, EnvVarSource, Pod } from './pod-types.js';
import { resourceFieldValue, type NodeAllocatable } from './resource-field.js';

/** A Secret as stored: `data` values are base64, `stringData` plain (either may be present). */
export interface SecretLike {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** A ConfigMap as stored: `data` plain, `binaryData` base64 (never read into the environment, as in Kubernetes). */
export interface ConfigMapLike {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** Reads a Secret for `secretKeyRef` and `envFrom[].secretRef`; undefined when it does not exist. */
export type SecretLookup = (namespace: string, name: string) => Promise<SecretLike | undefined>;

/** Reads a ConfigMap for `configMapKeyRef` and `envFrom[].configMapRef`; undefined when it does not exist. */
export type ConfigMapLookup = (namespace: string, name: string) => Promise<ConfigMapLike | undefined>;

export interface EnvContext {
  podIP: string;
  nodeName: string;
  /** Variables every process gets first (PATH and the like), lowest precedence. */
  baseEnv: Readonly<Record<string, string>>;
  /** The image's ENV from the image map; the container's env overrides it. */
  imageEnv: Readonly<Record<string, string>>;
  secrets?: SecretLookup | undefined;
  configMaps?: ConfigMapLookup | undefined;
  /** What `resourceFieldRef` reports for a missing limit; default this machine's logical CPUs and total memory. */
  allocatable?: NodeAllocatable | undefined;
}

export type EnvResolution = { ok: true; env: Record<string, string> } | { ok: false; message: string };

/**
 * The environment of one container process, in precedence order: base env, local-mode variables (`HOSTNAME` =
 * pod name, `HOST` and `KANARY_POD_IP` = pod IP), the image's ENV, the `envFrom` sources in order (a later source
 * wins a clash), then the container's `env` list in order (over any `envFrom` variable), each `env` value
 * expanded with Kubernetes' `$(VAR)` syntax against the variables before it, `envFrom` ones included. Each
 * ConfigMap and Secret is read once, so one start sees one version of it. Failures read like kubelet's
 * CreateContainerConfigError messages.
 */
export async function resolveContainerEnv(pod: Pod, container: Container, ctx: EnvContext): Promise<EnvResolution> {
  const env: Record<string, string> = {
    ...ctx.baseEnv,
    HOSTNAME: pod.metadata.name ?? '',
    HOST: ctx.podIP,
    KANARY_POD_IP: ctx.podIP,
    ...ctx.imageEnv,
  };
  const sources = new SourceReader(pod.metadata.namespace ?? 'default', ctx);
  for (const [index, source] of (container.envFrom ?? []).entries()) {
    const values = await envFromValues(index, source, sources);
    if (!values.ok) return values;
    Object.assign(env, values.env);
  }
  for (const variable of container.env ?? []) {
    const { name, valueFrom } = variable;
    if (valueFrom === undefined) {
      env[name] = expandVariables(variable.value ?? '', env);
      continue;
    }
    const value = await valueFromSource(pod, container, { name, valueFrom }, ctx, sources);
    if (!value.ok) return value;
    if (value.value !== undefined) env[variable.name] = value.value;
  }
  return { ok: true, env };
}

type Failure = { ok: false; message: string };
type SourceValue = { ok: true; value: string | undefined } | Failure;
/** A ConfigMap's or Secret's variables; `undefined` when it is absent and optional. */
type Found = { ok: true; values: Record<string, string> | undefined } | Failure;

const KINDS = { configmap: 'ConfigMap', secret: 'Secret' } as const;
type SourceKind = keyof typeof KINDS;

/** Reads each ConfigMap and Secret of one resolution once, as plain key/value maps of the pod's namespace. */
class SourceReader {
  readonly #read = new Map<string, Promise<Record<string, string> | undefined>>();

  constructor(
    readonly namespace: string,
    private readonly ctx: EnvContext,
  ) {}

  /** `who` names the variable or envFrom entry that asks, for the message. */
  async get(kind: SourceKind, name: string, optional: boolean, who: string): Promise<Found> {
    const cacheKey = `${kind}/${name}`;
    let pending = this.#read.get(cacheKey);
    if (pending === undefined) {
      pending = this.#fetch(kind, name);
      this.#read.set(cacheKey, pending);
    }
    let values: Record<string, string> | undefined;
    try {
      values = await pending;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return { ok: false, message: `${kind} "${name}" could not be read (${who}): ${reason}` };
    }
    if (values !== undefined || optional) return { ok: true, values };
    return { ok: false, message: `${kind} "${name}" not found (${who}, namespace ${this.namespace})` };
  }

  async #fetch(kind: SourceKind, name: string): Promise<Record<string, string> | undefined> {
    if (kind === 'configmap') {
      const configMap = await this.ctx.configMaps?.(this.namespace, name);
      return configMap === undefined ? undefined : { ...configMap.data };
    }
    const secret = await this.ctx.secrets?.(this.namespace, name);
    if (secret === undefined) return undefined;
    const values: Record<string, string> = {};
    for (const [key, encoded] of Object.entries(secret.data ?? {})) {
      values[key] = Buffer.from(encoded, 'base64').toString('utf8');
    }
    // The API server merges stringData over data on write; a stored object may still carry it.
    return Object.assign(values, secret.stringData);
  }
}

/**
 * One `envFrom` entry's variables: every key, prefixed. A name that is no valid variable name (it holds `=` or
 * a character outside printable ASCII; the prefix is validated, and ConfigMap and Secret keys cannot) is skipped.
 */
async function envFromValues(
  index: number,
  source: EnvFromSource,
  sources: SourceReader,
): Promise<{ ok: true; env: Record<string, string> } | Failure> {
  const ref = source.configMapRef ?? source.secretRef;
  if (ref === undefined) return { ok: true, env: {} };
  const kind: SourceKind = source.configMapRef !== undefined ? 'configmap' : 'secret';
  const field = kind === 'configmap' ? 'configMapRef' : 'secretRef';
  const found = await sources.get(kind, ref.name, ref.optional === true, `envFrom[${index}].${field}`);
  if (!found.ok) return found;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(found.values ?? {})) {
    const name = `${source.prefix ?? ''}${key}`;
    if (ENV_VAR_NAME_PATTERN.test(name)) env[name] = value;
  }
  return { ok: true, env };
}

async function valueFromSource(
  pod: Pod,
  container: Container,
  { name, valueFrom: source }: { name: string; valueFrom: EnvVarSource },
  ctx: EnvContext,
  sources: SourceReader,
): Promise<SourceValue> {
  if (source.fieldRef !== undefined) {
    const value = fieldRefValue(pod, source.fieldRef.fieldPath, ctx);
    return value === undefined
      ? { ok: false, message: `env ${name}: fieldRef "${source.fieldRef.fieldPath}" is not supported` }
      : { ok: true, value };
  }
  if (source.secretKeyRef !== undefined) return keyValue('secret', name, source.secretKeyRef, sources);
  if (source.configMapKeyRef !== undefined) return keyValue('configmap', name, source.configMapKeyRef, sources);
  if (source.resourceFieldRef !== undefined) {
    const node = ctx.allocatable ?? { cpu: cpus().length, memory: totalmem() };
    return resourceFieldValue(pod, container, source.resourceFieldRef, node, `env ${name}`);
  }
  return {
    ok: false,
    message: `env ${name}: valueFrom names no source; set one of fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef`,
  };
}

/** `secretKeyRef` / `configMapKeyRef`: one key; an optional ref to a missing object or key sets nothing. */
async function keyValue(
  kind: SourceKind,
  name: string,
  ref: { name: string; key: string; optional?: boolean },
  sources: SourceReader,
): Promise<SourceValue> {
  const optional = ref.optional === true;
  const found = await sources.get(kind, ref.name, optional, `env ${name}`);
  if (!found.ok) return found;
  if (found.values === undefined) return { ok: true, value: undefined };
  const value = Object.hasOwn(found.values, ref.key) ? found.values[ref.key] : undefined;
  if (value !== undefined || optional) return { ok: true, value };
  return {
    ok: false,
    message: `couldn't find key ${ref.key} in ${KINDS[kind]} ${sources.namespace}/${ref.name} (env ${name})`,
  };
}

const MAP_FIELD = /^metadata\.(labels|annotations)\[(['"])(.*)\2\]$/;

/** The downward API: the value of a `fieldRef.fieldPath`, or undefined when the path is not supported. */
export function fieldRefValue(
  pod: Pod,
  fieldPath: string,
  ctx: Pick<EnvContext, 'podIP' | 'nodeName'>,
): string | undefined {
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? 'default';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? ctx.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? 'default';
    case 'status.podIP':
      return ctx.podIP;
    case 'status.podIPs':
      return ctx.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return '127.0.0.1';
    default: {
      const match = MAP_FIELD.exec(fieldPath);
      if (match === null) return undefined;
      const map = match[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
      return map?.[match[3] ?? ''] ?? '';
    }
  }
}

/**
 * Kubernetes' variable expansion: `$(NAME)` becomes the value of a variable defined before it, `$$` a literal
 * `$`, and a reference to an unknown variable stays as written.
 */
export function expandVariables(input: string, env: Readonly<Record<string, string>>): string {
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (whole === '$$') return '$';
    const value = name === undefined ? undefined : env[name];
    return value ?? whole;
  });
}
