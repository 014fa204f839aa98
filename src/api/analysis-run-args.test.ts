import { describe, expect, it } from 'vitest';
import type { Argument } from './analysis.js';
import { fieldPathValue, joinTemplateArgs, mergeRunArgs } from './analysis-run-args.js';

describe('fieldPathValue', () => {
  const rollout = {
    metadata: { name: 'web', labels: { team: 'a' }, annotations: {} },
    spec: { replicas: 3, paused: false, selector: { matchLabels: { app: 'web' } }, containers: [{ image: 'i:1' }] },
  };
  it.each([
    ['metadata.name', 'web'],
    ["metadata.labels['team']", 'a'],
    ["metadata.labels['missing']", ''],
    ["metadata.annotations['missing']", ''],
    ['spec.selector.matchLabels.app', 'web'],
    ['spec.containers[0].image', 'i:1'],
    ['spec.replicas', '3'],
    ['spec.paused', 'false'],
    ['spec.nope', undefined],
    ['spec.selector', undefined],
    ['spec.containers', undefined],
    ['metadata.name.deeper', undefined],
  ])('%s reads %j', (path, value) => {
    expect(fieldPathValue(rollout, path)).toBe(value);
  });

  it('reads a label of an object without labels as "" and a path into nothing as undefined', () => {
    expect(fieldPathValue({ metadata: { name: 'x' } }, "metadata.labels['team']")).toBe('');
    expect(fieldPathValue(undefined, 'metadata.name')).toBeUndefined();
  });
});

describe('joinTemplateArgs (Argo flattenArgs)', () => {
  it.each<[string, Argument[], Argument[]]>([
    [
      'distinct names are kept in order',
      [{ name: 'a' }, { name: 'b', value: '1' }],
      [{ name: 'a' }, { name: 'b', value: '1' }],
    ],
    ['a required arg takes a later value', [{ name: 'a' }, { name: 'a', value: '1' }], [{ name: 'a', value: '1' }]],
    [
      'a value is not dropped by a later required arg',
      [{ name: 'a', value: '1' }, { name: 'a' }],
      [{ name: 'a', value: '1' }],
    ],
    [
      'the same value twice is one arg',
      [
        { name: 'a', value: '1' },
        { name: 'a', value: '1' },
      ],
      [{ name: 'a', value: '1' }],
    ],
  ])('%s', (_title, args, joined) => {
    expect(joinTemplateArgs(args)).toEqual({ ok: true, value: joined });
  });

  it('two different values are a conflict naming both', () => {
    expect(
      joinTemplateArgs([
        { name: 'a', value: '1' },
        { name: 'a', value: '2' },
      ]),
    ).toEqual({
      ok: false,
      problem: { code: 'conflicting-arg', arg: 'a', values: ['1', '2'] },
    });
  });
});

describe('mergeRunArgs (Argo MergeArgs)', () => {
  it('an incoming value replaces a template valueFrom whole', () => {
    const secret: Argument = { name: 't', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } };
    expect(mergeRunArgs([secret], [{ name: 't', value: 'v' }])).toEqual({
      ok: true,
      value: [{ name: 't', value: 'v' }],
    });
  });

  it('an incoming arg that gives nothing leaves the template arg, which may then be unresolved', () => {
    expect(mergeRunArgs([{ name: 'a', value: 'd' }], [{ name: 'a' }])).toEqual({
      ok: true,
      value: [{ name: 'a', value: 'd' }],
    });
    expect(mergeRunArgs([{ name: 'a' }], [{ name: 'a' }])).toEqual({
      ok: false,
      problem: { code: 'unresolved-arg', arg: 'a' },
    });
  });
});
