import { describe, expect, it } from 'vitest';
import { evaluateIteration, seedChecks, type HttpResult, type IterationOutcome } from './checks.js';

const body = (fields: Record<string, unknown>): string => JSON.stringify(fields) + '\n';
const good = {
  node: 'kind-control-plane',
  namespace: 'sample-app',
  pod: 'sample-app-6d9c8-abcde',
  deployment: 'canary',
};
const NAMES = [
  'status code is 200',
  'node is kind-control-plane',
  'namespace is sample-app',
  'pod is sample-app-*',
  'deployment is stable or canary',
];

describe('seedChecks', () => {
  it('has the seed names, in the seed order, when the node is given', () => {
    expect(seedChecks({ node: 'kind-control-plane' }).map((c) => c.name)).toEqual(NAMES);
  });

  it('accepts any non-empty node by default', () => {
    const checks = seedChecks();
    expect(checks[1]!.name).toBe('node is not empty');
    expect(evaluateIteration({ status: 200, body: body({ ...good, node: 'laptop' }) }, checks).checks[1]).toEqual({
      name: 'node is not empty',
      ok: true,
    });
    expect(evaluateIteration({ status: 200, body: body({ ...good, node: '' }) }, checks).checks[1]!.ok).toBe(false);
  });

  it('takes other namespace and pod expectations', () => {
    const checks = seedChecks({ namespace: 'shop', podPrefix: 'web-' });
    expect(checks.map((c) => c.name).slice(2, 4)).toEqual(['namespace is shop', 'pod is web-*']);
  });
});

describe('evaluateIteration (k6 semantics: a throwing check interrupts the iteration)', () => {
  const checks = seedChecks({ node: 'kind-control-plane' });
  const oks = (o: IterationOutcome): boolean[] => o.checks.map((c) => c.ok);

  it.each<[string, HttpResult, boolean[], boolean, string | undefined]>([
    ['a good canary answer', { status: 200, body: body(good) }, [true, true, true, true, true], false, 'canary'],
    [
      'a good stable answer',
      { status: 200, body: body({ ...good, deployment: 'stable' }) },
      [true, true, true, true, true],
      false,
      'stable',
    ],
    [
      'another node',
      { status: 200, body: body({ ...good, node: 'n2' }) },
      [true, false, true, true, true],
      false,
      'canary',
    ],
    [
      'another namespace',
      { status: 200, body: body({ ...good, namespace: 'x' }) },
      [true, true, false, true, true],
      false,
      'canary',
    ],
    [
      'a pod outside the prefix',
      { status: 200, body: body({ ...good, pod: 'web-1' }) },
      [true, true, true, false, true],
      false,
      'canary',
    ],
    [
      'an unknown track',
      { status: 200, body: body({ ...good, deployment: 'preview' }) },
      [true, true, true, true, false],
      false,
      undefined,
    ],
    ['a 500 with an empty body', { status: 500, body: '' }, [false], true, undefined],
    ['a 404 page', { status: 404, body: '404 page not found\n' }, [false], true, undefined],
    ['no response at all', { status: 0, body: '', error: 'connect ECONNREFUSED' }, [false], true, undefined],
    ['a JSON null', { status: 200, body: 'null' }, [true], true, undefined],
    [
      'a body without pod',
      { status: 200, body: body({ node: 'kind-control-plane', namespace: 'sample-app' }) },
      [true, true, true],
      true,
      undefined,
    ],
    ['a numeric pod', { status: 200, body: body({ ...good, pod: 7 }) }, [true, true, true], true, undefined],
    ['a JSON array', { status: 200, body: '[1]' }, [true, false, false], true, undefined],
    [
      'a 503 that still names the track',
      { status: 503, body: body(good) },
      [false, true, true, true, true],
      false,
      'canary',
    ],
  ])('%s', (_name, result, expectedOks, interrupted, deployment) => {
    const outcome = evaluateIteration(result, checks);
    expect(oks(outcome)).toEqual(expectedOks);
    expect(outcome.checks.map((c) => c.name)).toEqual(NAMES.slice(0, expectedOks.length));
    expect(outcome.interrupted).toBe(interrupted);
    expect(outcome.deployment).toBe(deployment);
  });
});
