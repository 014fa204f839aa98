import { describe, expect, it } from 'vitest';
import {
  expandVariables,
  fieldRefValue,
  resolveContainerEnv,
  type ConfigMapLike,
  type ConfigMapLookup,
  type SecretLookup,
} from './env.js';
import type { Container, Pod } from './pod-types.js';

const pod: Pod = {
  metadata: {
    name: 'sample-app-abc12',
    namespace: 'sample-app',
    uid: 'u-1',
    labels: { app: 'sample-app', deployment: 'canary' },
    annotations: { 'example.org/team': 'blue' },
  },
  spec: { containers: [], serviceAccountName: 'sample-app' },
};
const ctx = { podIP: '127.1.0.9', nodeName: 'kanary-local' };

describe('fieldRefValue', () => {
  it.each([
    ['metadata.name', 'sample-app-abc12'],
    ['metadata.namespace', 'sample-app'],
    ['metadata.uid', 'u-1'],
    ["metadata.labels['deployment']", 'canary'],
    ['metadata.labels["app"]', 'sample-app'],
    ["metadata.labels['missing']", ''],
    ["metadata.annotations['example.org/team']", 'blue'],
    ['spec.nodeName', 'kanary-local'],
    ['spec.serviceAccountName', 'sample-app'],
    ['status.podIP', '127.1.0.9'],
    ['status.hostIP', '127.0.0.1'],
    ['metadata.generation', undefined],
  ])('%s -> %s', (path, value) => {
    expect(fieldRefValue(pod, path, ctx)).toBe(value);
  });

  it('prefers the pod spec nodeName over the supervisor one', () => {
    expect(fieldRefValue({ ...pod, spec: { ...pod.spec, nodeName: 'n2' } }, 'spec.nodeName', ctx)).toBe('n2');
  });
});

describe('expandVariables', () => {
  it.each([
    ['$(A)-x', 'a-x'],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['$$', '$'],
    ['plain $A', 'plain $A'],
  ])('%s -> %s', (input, output) => {
    expect(expandVariables(input, { A: 'a' })).toBe(output);
  });
});

describe('resolveContainerEnv', () => {
  const secrets: SecretLookup = (namespace, name) =>
    Promise.resolve(
      namespace === 'sample-app' && name === 'creds'
        ? { data: { password: Buffer.from('s3cret').toString('base64') }, stringData: { user: 'admin' } }
        : undefined,
    );
  const base = { ...ctx, baseEnv: { PATH: '/bin', HOST: 'ignored' }, imageEnv: { MODE: 'image', KEEP: 'k' }, secrets };

  it('layers base env, pod identity, image env and the container env, expanding $(VAR) in order', async () => {
    const container: Container = {
      name: 'c',
      env: [
        { name: 'HTTP_PORT', value: '8080' },
        { name: 'URL', value: 'http://$(HOST):$(HTTP_PORT)/' },
        { name: 'MODE', value: 'container' },
        { name: 'KUBERNETES_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'KUBERNETES_DEPLOYMENT', valueFrom: { fieldRef: { fieldPath: "metadata.labels['deployment']" } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        { name: 'USER_NAME', valueFrom: { secretKeyRef: { name: 'creds', key: 'user' } } },
        { name: 'OPTIONAL', valueFrom: { secretKeyRef: { name: 'absent', key: 'x', optional: true } } },
      ],
    };
    const result = await resolveContainerEnv(pod, container, base);
    expect(result).toEqual({
      ok: true,
      env: {
        PATH: '/bin',
        HOSTNAME: 'sample-app-abc12',
        HOST: '127.1.0.9',
        KANARY_POD_IP: '127.1.0.9',
        MODE: 'container',
        KEEP: 'k',
        HTTP_PORT: '8080',
        URL: 'http://127.1.0.9:8080/',
        KUBERNETES_POD: 'sample-app-abc12',
        KUBERNETES_DEPLOYMENT: 'canary',
        PASSWORD: 's3cret',
        USER_NAME: 'admin',
      },
    });
  });

  it.each([
    [{ secretKeyRef: { name: 'absent', key: 'x' } }, 'secret "absent" not found'],
    [{ secretKeyRef: { name: 'creds', key: 'nope' } }, "couldn't find key nope in Secret sample-app/creds"],
    [{ fieldRef: { fieldPath: 'spec.hostname' } }, 'fieldRef "spec.hostname" is not supported'],
    [{ configMapKeyRef: { name: 'absent', key: 'k' } }, 'configmap "absent" not found (env X, namespace sample-app)'],
    [
      { resourceFieldRef: { resource: 'limits.ephemeral-storage' } },
      'env X: resourceFieldRef "limits.ephemeral-storage" is not supported in local mode',
    ],
    [{}, 'env X: valueFrom names no source'],
  ])('fails with a config error for %j', async (valueFrom, message) => {
    const result = await resolveContainerEnv(pod, { name: 'c', env: [{ name: 'X', valueFrom }] }, base);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });
});

describe('resolveContainerEnv: ConfigMaps and envFrom', () => {
  const maps: Record<string, ConfigMapLike> = {
    'app-config': { data: { LOG_LEVEL: 'info', MODE: 'configmap', 'app.name': 'sample', SHARED: 'from-app-config' } },
    overrides: { data: { LOG_LEVEL: 'debug', SHARED: 'from-overrides' } },
    binary: { data: { TEXT: 't' }, binaryData: { BLOB: Buffer.from('bytes').toString('base64') } },
    literal: { data: { RAW: '$(LOG_LEVEL)' } },
    empty: {},
  };
  const reads: string[] = [];
  const configMaps: ConfigMapLookup = (namespace, name) => {
    reads.push(`${namespace}/${name}`);
    return Promise.resolve(namespace === 'sample-app' ? maps[name] : undefined);
  };
  const secrets: SecretLookup = (namespace, name) =>
    Promise.resolve(
      namespace === 'sample-app' && name === 'creds'
        ? {
            data: { PASSWORD: Buffer.from('s3cret').toString('base64'), USER: btoa('old') },
            stringData: { USER: 'new' },
          }
        : undefined,
    );
  const base = { ...ctx, baseEnv: { PATH: '/bin' }, imageEnv: { MODE: 'image' }, secrets, configMaps };
  const resolve = (container: Omit<Container, 'name'>) => resolveContainerEnv(pod, { name: 'c', ...container }, base);
  const app = { configMapRef: { name: 'app-config' } };

  it.each<[string, Omit<Container, 'name'>, Record<string, string | undefined>]>([
    [
      'envFrom configMapRef: every data key, over the image env',
      { envFrom: [app] },
      { LOG_LEVEL: 'info', MODE: 'configmap', 'app.name': 'sample' },
    ],
    [
      'a later envFrom source wins a clash',
      { envFrom: [app, { configMapRef: { name: 'overrides' } }] },
      { LOG_LEVEL: 'debug', SHARED: 'from-overrides', MODE: 'configmap' },
    ],
    [
      'env entries override envFrom, whatever their order',
      { env: [{ name: 'LOG_LEVEL', value: 'warn' }], envFrom: [app] },
      { LOG_LEVEL: 'warn', SHARED: 'from-app-config' },
    ],
    [
      'prefix goes before every key',
      { envFrom: [{ ...app, prefix: 'CFG_' }] },
      { CFG_LOG_LEVEL: 'info', 'CFG_app.name': 'sample', LOG_LEVEL: undefined, MODE: 'image' },
    ],
    [
      '$(VAR) in env sees envFrom values',
      {
        env: [{ name: 'GREETING', value: 'level=$(LOG_LEVEL) $(P_USER)' }],
        envFrom: [app, { secretRef: { name: 'creds' }, prefix: 'P_' }],
      },
      { GREETING: 'level=info new' },
    ],
    [
      'envFrom reads data, never binaryData',
      { envFrom: [{ configMapRef: { name: 'binary' } }] },
      { TEXT: 't', BLOB: undefined },
    ],
    [
      'envFrom values are taken as written, never expanded',
      { envFrom: [app, { configMapRef: { name: 'literal' } }] },
      { RAW: '$(LOG_LEVEL)' },
    ],
    [
      'envFrom secretRef decodes data, stringData over it',
      { envFrom: [{ secretRef: { name: 'creds' } }] },
      { PASSWORD: 's3cret', USER: 'new' },
    ],
    [
      'an optional missing source adds nothing',
      {
        envFrom: [
          { configMapRef: { name: 'absent', optional: true } },
          { secretRef: { name: 'gone', optional: true } },
        ],
      },
      { MODE: 'image' },
    ],
    [
      'configMapKeyRef reads one data key',
      { env: [{ name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'LOG_LEVEL' } } }] },
      { LEVEL: 'info', LOG_LEVEL: undefined },
    ],
    [
      'configMapKeyRef optional: a missing map or key sets nothing',
      {
        env: [
          { name: 'A', valueFrom: { configMapKeyRef: { name: 'absent', key: 'x', optional: true } } },
          { name: 'B', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'nope', optional: true } } },
        ],
      },
      { A: undefined, B: undefined },
    ],
    [
      'an optional key ref does not unset an envFrom variable',
      {
        env: [{ name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'empty', key: 'x', optional: true } } }],
        envFrom: [app],
      },
      { LOG_LEVEL: 'info' },
    ],
    [
      'a key named like an Object property is looked up as a key',
      { env: [{ name: 'C', valueFrom: { configMapKeyRef: { name: 'empty', key: 'constructor', optional: true } } }] },
      { C: undefined },
    ],
  ])('%s', async (_title, container, expected) => {
    const result = await resolve(container);
    if (!result.ok) throw new Error(result.message);
    for (const [name, value] of Object.entries(expected)) expect([name, result.env[name]]).toEqual([name, value]);
  });

  it.each<[string, Omit<Container, 'name'>, string]>([
    [
      'a missing ConfigMap of envFrom',
      { envFrom: [app, { configMapRef: { name: 'absent' } }] },
      'configmap "absent" not found (envFrom[1].configMapRef, namespace sample-app)',
    ],
    [
      'a missing Secret of envFrom',
      { envFrom: [{ secretRef: { name: 'gone' } }] },
      'secret "gone" not found (envFrom[0].secretRef, namespace sample-app)',
    ],
    [
      'a missing key of configMapKeyRef',
      { env: [{ name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'nope' } } }] },
      "couldn't find key nope in ConfigMap sample-app/app-config (env LEVEL)",
    ],
    [
      'a binaryData key, which the environment never reads',
      { env: [{ name: 'B', valueFrom: { configMapKeyRef: { name: 'binary', key: 'BLOB' } } }] },
      "couldn't find key BLOB in ConfigMap sample-app/binary (env B)",
    ],
    [
      'a missing ConfigMap of configMapKeyRef',
      { env: [{ name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'absent', key: 'k' } } }] },
      'configmap "absent" not found (env LEVEL, namespace sample-app)',
    ],
  ])('waits on %s', async (_title, container, message) => {
    expect(await resolve(container)).toEqual({ ok: false, message });
  });

  it('reads each ConfigMap once per start, however many references it has', async () => {
    reads.length = 0;
    const result = await resolve({
      envFrom: [app, { ...app, prefix: 'AGAIN_' }],
      env: [{ name: 'L', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'LOG_LEVEL' } } }],
    });
    expect(result.ok).toBe(true);
    expect(reads).toEqual(['sample-app/app-config']);
  });

  it('skips names no process environment can hold, and reports a failed read', async () => {
    const odd: SecretLookup = () => Promise.resolve({ stringData: { 'A=B': 'x', OK: 'y' } });
    const withOdd = await resolveContainerEnv(
      pod,
      { name: 'c', envFrom: [{ secretRef: { name: 's' } }] },
      { ...base, secrets: odd },
    );
    expect(withOdd.ok && Object.keys(withOdd.env).filter((k) => k === 'OK' || k.includes('='))).toEqual(['OK']);
    const broken: ConfigMapLookup = () => Promise.reject(new Error('database is locked'));
    const failed = await resolveContainerEnv(pod, { name: 'c', envFrom: [app] }, { ...base, configMaps: broken });
    expect(failed).toEqual({
      ok: false,
      message: 'configmap "app-config" could not be read (envFrom[0].configMapRef): database is locked',
    });
  });

  it('without a ConfigMap reader every reference counts as missing', async () => {
    const result = await resolveContainerEnv(pod, { name: 'c', envFrom: [app] }, { ...base, configMaps: undefined });
    expect(result.ok).toBe(false);
  });
});
