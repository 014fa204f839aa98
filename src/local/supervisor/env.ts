import type { Container, Pod } from './pod-types.js';

/** A Secret as stored: `data` values are base64, `stringData` plain (either may be present). */
export interface SecretLike {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** Reads a Secret for `secretKeyRef`; undefined when it does not exist. */
export type SecretLookup = (namespace: string, name: string) => Promise<SecretLike | undefined>;

export interface EnvContext {
  podIP: string;
  nodeName: string;
  /** Variables every process gets first (PATH and the like), lowest precedence. */
  baseEnv: Readonly<Record<string, string>>;
  /** The image's ENV from the image map; the container's env overrides it. */
  imageEnv: Readonly<Record<string, string>>;
  secrets?: SecretLookup | undefined;
}

export type EnvResolution = { ok: true; env: Record<string, string> } | { ok: false; message: string };

/**
 * The environment of one container process, in precedence order: base env, local-mode variables (`HOSTNAME` =
 * pod name, `HOST` and `KANARY_POD_IP` = pod IP), the image's ENV, then the container's `env` list in order, each
 * value expanded with Kubernetes' `$(VAR)` syntax against the variables before it. Failures read like kubelet's
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
  for (const variable of container.env ?? []) {
    const source = variable.valueFrom;
    if (source === undefined) {
      env[variable.name] = expandVariables(variable.value ?? '', env);
      continue;
    }
    const value = await valueFromSource(pod, variable.name, source, ctx);
    if (!value.ok) return value;
    if (value.value !== undefined) env[variable.name] = value.value;
  }
  return { ok: true, env };
}

type SourceValue = { ok: true; value: string | undefined } | { ok: false; message: string };

async function valueFromSource(
  pod: Pod,
  name: string,
  source: NonNullable<Container['env']>[number]['valueFrom'] & object,
  ctx: EnvContext,
): Promise<SourceValue> {
  if (source.fieldRef !== undefined) {
    const value = fieldRefValue(pod, source.fieldRef.fieldPath, ctx);
    return value === undefined
      ? { ok: false, message: `env ${name}: fieldRef "${source.fieldRef.fieldPath}" is not supported` }
      : { ok: true, value };
  }
  if (source.secretKeyRef !== undefined) return secretValue(pod, name, source.secretKeyRef, ctx);
  const kind = source.configMapKeyRef !== undefined ? 'configMapKeyRef' : 'resourceFieldRef';
  return { ok: false, message: `env ${name}: valueFrom.${kind} is not supported in local mode; use a value` };
}

async function secretValue(
  pod: Pod,
  name: string,
  ref: { name: string; key: string; optional?: boolean },
  ctx: EnvContext,
): Promise<SourceValue> {
  const namespace = pod.metadata.namespace ?? 'default';
  let secret: SecretLike | undefined;
  try {
    secret = ctx.secrets === undefined ? undefined : await ctx.secrets(namespace, ref.name);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, message: `secret "${ref.name}" could not be read (env ${name}): ${reason}` };
  }
  if (secret === undefined) {
    if (ref.optional === true) return { ok: true, value: undefined };
    return { ok: false, message: `secret "${ref.name}" not found (env ${name}, namespace ${namespace})` };
  }
  const plain = secret.stringData?.[ref.key];
  const encoded = secret.data?.[ref.key];
  if (plain !== undefined) return { ok: true, value: plain };
  if (encoded !== undefined) return { ok: true, value: Buffer.from(encoded, 'base64').toString('utf8') };
  if (ref.optional === true) return { ok: true, value: undefined };
  return { ok: false, message: `couldn't find key ${ref.key} in Secret ${namespace}/${ref.name} (env ${name})` };
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
