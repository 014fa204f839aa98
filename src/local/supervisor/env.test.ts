import { describe, expect, it } from 'vitest';
import { expandVariables, fieldRefValue, resolveContainerEnv, type SecretLookup } from './env.js';
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
    [{ configMapKeyRef: { name: 'cm', key: 'k' } }, 'configMapKeyRef is not supported in local mode'],
  ])('fails with a config error for %j', async (valueFrom, message) => {
    const result = await resolveContainerEnv(pod, { name: 'c', env: [{ name: 'X', valueFrom }] }, base);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });
});
