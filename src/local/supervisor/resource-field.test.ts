import { describe, expect, it } from 'vitest';
import { resolveContainerEnv } from './env.js';
import type { Container, Pod } from './pod-types.js';
import { ceilDivide, parseQuantity } from './quantity.js';
import { resourceFieldValue, type ResourceFieldRef } from './resource-field.js';

describe('parseQuantity', () => {
  it.each<[string | number, string | undefined]>([
    ['1', '1/1'],
    [2, '2/1'],
    [0.5, '5/10'],
    ['500m', '500/1000'],
    ['1.5', '15/10'],
    ['.5', '5/10'],
    ['2.', '2/1'],
    ['+3', '3/1'],
    ['128Mi', `${128 * 1024 * 1024}/1`],
    ['1Ki', '1024/1'],
    ['1.5Gi', `${15 * 2 ** 30}/10`],
    ['2k', '2000/1'],
    ['1M', '1000000/1'],
    ['1E', `${10n ** 18n}/1`],
    ['100n', '100/1000000000'],
    ['1e3', '1000/1'],
    ['1E-3', '1/1000'],
    ['12ki', undefined],
    ['1.2.3', undefined],
    ['', undefined],
    ['Mi', undefined],
    ['1 Gi', undefined],
  ])('%j -> %s', (input, expected) => {
    const q = parseQuantity(input);
    expect(q === undefined ? undefined : `${q.num}/${q.den}`).toBe(expected);
  });

  it.each([
    ['1', '1', 1n],
    ['1001m', '1', 2n],
    ['250m', '1m', 250n],
    ['0.0001', '1m', 1n],
    ['128Mi', '1Mi', 128n],
    ['129M', '1Mi', 124n],
    ['0', '1', 0n],
  ])('%s in units of %s, rounded up, is %s', (value, unit, expected) => {
    expect(ceilDivide(parseQuantity(value) ?? { num: -1n, den: 1n }, parseQuantity(unit) ?? { num: 1n, den: 1n })).toBe(
      expected,
    );
  });
});

describe('resourceFieldValue', () => {
  const node = { cpu: 8, memory: 16 * 2 ** 30 };
  const app: Container = {
    name: 'app',
    resources: { limits: { cpu: '1500m', memory: '256Mi' }, requests: { cpu: 0.25, memory: '100M' } },
  };
  const limitsOnly: Container = { name: 'limits-only', resources: { limits: { cpu: 2, memory: '1Gi' } } };
  const bare: Container = { name: 'bare' };
  const pod: Pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [app, limitsOnly, bare] } };

  it.each<[string, Container, ResourceFieldRef, string]>([
    ['cpu limit rounded up to whole cores', app, { resource: 'limits.cpu' }, '2'],
    ['cpu limit in millicores', app, { resource: 'limits.cpu', divisor: '1m' }, '1500'],
    ['cpu request rounded up', app, { resource: 'requests.cpu' }, '1'],
    ['cpu request in millicores', app, { resource: 'requests.cpu', divisor: '1m' }, '250'],
    ['memory limit in bytes', app, { resource: 'limits.memory' }, String(256 * 2 ** 20)],
    ['memory limit in Mi', app, { resource: 'limits.memory', divisor: '1Mi' }, '256'],
    ['memory request in Mi, rounded up', app, { resource: 'requests.memory', divisor: '1Mi' }, '96'],
    ['memory divisor written as a number', app, { resource: 'limits.memory', divisor: 1 }, String(256 * 2 ** 20)],
    ['a missing request is the limit', limitsOnly, { resource: 'requests.memory', divisor: '1Gi' }, '1'],
    ['no limit: the node cpu count', bare, { resource: 'limits.cpu' }, '8'],
    ['no limit: the node memory', bare, { resource: 'limits.memory', divisor: '1Gi' }, '16'],
    ['no request and no limit: 0', bare, { resource: 'requests.cpu', divisor: '1m' }, '0'],
    ['another container of the pod', bare, { containerName: 'limits-only', resource: 'limits.cpu' }, '2'],
    ['the divisor 1000m is 1', app, { resource: 'limits.cpu', divisor: '1000m' }, '2'],
  ])('%s', (_title, container, ref, expected) => {
    expect(resourceFieldValue(pod, container, ref, node, 'env X')).toEqual({ ok: true, value: expected });
  });

  it.each<[string, ResourceFieldRef, string]>([
    [
      'a cpu divisor of 1k',
      { resource: 'limits.cpu', divisor: '1k' },
      'divisor "1k" is not valid for cpu; use one of 1m, 1',
    ],
    ['a memory divisor of 1m', { resource: 'limits.memory', divisor: '1m' }, 'divisor "1m" is not valid for memory'],
    ['a divisor of 2', { resource: 'limits.memory', divisor: 2 }, 'divisor 2 is not valid for memory'],
    [
      'ephemeral storage',
      { resource: 'limits.ephemeral-storage' },
      '"limits.ephemeral-storage" is not supported in local mode',
    ],
    [
      'an unknown container',
      { containerName: 'nope', resource: 'limits.cpu' },
      'names container "nope", which the pod',
    ],
  ])('refuses %s', (_title, ref, message) => {
    const result = resourceFieldValue(pod, app, ref, node, 'env X');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(`env X: resourceFieldRef ${message}`);
  });

  it('refuses a limit that is no quantity', () => {
    const odd: Container = { name: 'odd', resources: { limits: { cpu: 'lots' } } };
    expect(resourceFieldValue(pod, odd, { resource: 'limits.cpu' }, node, 'env X')).toEqual({
      ok: false,
      message: 'env X: resourceFieldRef reads limits.cpu "lots", which is no quantity',
    });
  });

  it('is what the environment holds, with the machine as the node by default', async () => {
    const container: Container = {
      ...bare,
      env: [
        { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'GOMAXPROCS', value: '$(CPU_LIMIT)' },
      ],
    };
    const ctx = { podIP: '127.1.0.2', nodeName: 'n', baseEnv: {}, imageEnv: {} };
    const given = await resolveContainerEnv(pod, container, { ...ctx, allocatable: node });
    expect(given.ok && [given.env.CPU_LIMIT, given.env.GOMAXPROCS]).toEqual(['8', '8']);
    const machine = await resolveContainerEnv(pod, container, ctx);
    expect(machine.ok && Number(machine.env.CPU_LIMIT)).toBeGreaterThan(0);
  });
});
