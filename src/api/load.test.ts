import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analysisRunFixture, rolloutFixture, templateFixture } from './fixtures.js';
import {
  loadPaths,
  objectsOf,
  parseDocuments,
  parseObject,
  serializeDocuments,
  toYaml,
  yamlFilesUnder,
} from './load.js';
import { hasField, positionOf, scalarSourceOf, valueNodeOf } from './source.js';
import { RolloutSchema } from './rollout.js';
import { findUnknownFields } from './unknown-fields.js';

const SAMPLE_APP = fileURLToPath(new URL('../../examples/sample-app/', import.meta.url));

const TEMPLATE = `# leading comment
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: checks
spec:
  metrics:
    - name: success-rate
      interval: 1m
      successCondition: result[0] >= 0.99
      provider:
        prometheus:
          query: |
            sum(rate(x[1m]))
`;

function only(text: string) {
  const docs = parseDocuments(text, 'm.yaml');
  expect(docs).toHaveLength(1);
  return docs[0]!;
}

describe('parseDocuments', () => {
  it('parses a valid document into a typed object without findings', () => {
    const doc = only(TEMPLATE);
    expect(doc.diagnostics).toEqual([]);
    expect(doc.object?.kind).toBe('AnalysisTemplate');
  });

  it('reads several documents and skips empty ones', () => {
    const docs = parseDocuments(`---\n${TEMPLATE}---\n---\n${toYaml(rolloutFixture())}---\n`, 'm.yaml');
    expect(docs.map((d) => d.object?.kind)).toEqual(['AnalysisTemplate', 'Rollout']);
    expect(docs.map((d) => d.index)).toEqual([0, 2]);
  });

  it('reports YAML syntax errors with line:col', () => {
    const doc = only('apiVersion: v1\nkind: Service\nmetadata:\n  name: "open\n');
    expect(doc.object).toBeUndefined();
    // yaml reports an unterminated quote where the input ends.
    expect(doc.diagnostics[0]).toMatchObject({ path: 'm.yaml', line: 5, col: 1, severity: 'error' });
    expect(doc.diagnostics[0]?.message).toMatch(/^YAML: /);
  });

  it('reports duplicate keys as errors', () => {
    const doc = only('apiVersion: v1\nkind: Service\nkind: Pod\nmetadata: {name: a}\n');
    expect(doc.diagnostics).toEqual([expect.objectContaining({ line: 3, col: 1, severity: 'error' })]);
  });

  it('reports unknown fields as warnings at their key, and still loads the object', () => {
    const doc = only(TEMPLATE.replace('      interval: 1m\n', '      interval: 1m\n      intervall: 2m\n'));
    expect(doc.diagnostics).toEqual([
      expect.objectContaining({
        line: 10,
        col: 7,
        severity: 'warning',
        message: 'AnalysisTemplate "checks": unknown field "spec.metrics[0].intervall" is ignored',
      }),
    ]);
    expect(doc.object).toBeDefined();
    expect(JSON.stringify(doc.object)).not.toContain('intervall');
  });

  it('does not report unknown fields inside loose parts (pod templates, core kinds)', () => {
    const r = rolloutFixture() as unknown as { spec: { template: { spec: Record<string, unknown> } } };
    r.spec.template.spec.tolerations = [{ key: 'x' }];
    const doc = only(toYaml(r));
    expect(doc.diagnostics).toEqual([]);
    expect(
      only('apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {sessionAffinity: None}\n').diagnostics,
    ).toEqual([]);
  });

  it('reports a wrong type at the key of a collection value, naming field and value', () => {
    const doc = only(TEMPLATE.replace('interval: 1m', 'interval: [1m]'));
    expect(doc.object).toBeUndefined();
    expect(doc.diagnostics).toEqual([
      expect.objectContaining({
        line: 9,
        col: 7,
        severity: 'error',
        message: 'AnalysisTemplate "checks": spec.metrics[0].interval: expected string, got a list',
      }),
    ]);
  });

  it('reports a missing required field at the mapping that lacks it', () => {
    const doc = only(TEMPLATE.replace('    - name: success-rate\n      interval', '    - interval'));
    expect(doc.diagnostics).toEqual([
      expect.objectContaining({
        line: 8,
        col: 7,
        message: expect.stringContaining('missing required field "spec.metrics[0].name"') as string,
      }),
    ]);
  });

  it.each([
    [
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80.5}]}\n',
      'spec.ports[0].port: expected integer, got number 80.5',
      4,
      23,
    ],
    ['- a\n- b\n', 'a manifest must be a mapping', 1, 1],
    ['kind: Rollout\nmetadata: {name: a}\n', 'missing required field "apiVersion"', 1, 1],
    [
      'apiVersion: apps/v1\nkind: Rollout\nmetadata: {name: a}\n',
      'apiVersion "apps/v1" is not served for kind Rollout',
      1,
      13,
    ],
  ])('rejects %j', (text, message, line, col) => {
    expect(only(text).diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', line, col, message: expect.stringContaining(message) as string }),
    ]);
  });

  it('warns about kinds it does not know and leaves them unchecked', () => {
    const doc = only('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec: {bogus: 1}\n');
    expect(doc.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 2,
        col: 7,
        message: expect.stringContaining('kind Deployment (apps/v1) is not a kind Kanary knows') as string,
      }),
    ]);
    expect(doc.object).toBeUndefined();
    expect(doc.raw).toMatchObject({ kind: 'Deployment' });
  });
});

describe('positions', () => {
  const doc = only(TEMPLATE);
  it.each([
    [['spec', 'metrics', 0, 'successCondition'], 'key', 10, 7],
    [['spec', 'metrics', 0, 'successCondition'], 'value', 10, 25],
    [['spec', 'metrics', 0, 'successCondition'], 'auto', 10, 25],
    [['spec', 'metrics', 0], 'auto', 8, 7],
    [['spec', 'metrics'], 'auto', 7, 3],
    [['spec', 'metrics', 0, 'provider', 'prometheus', 'query'], 'value', 13, 18],
    [['spec', 'metrics', 0, 'failureLimit'], 'auto', 8, 7],
    [[], 'auto', 2, 1],
  ] as const)('%j (%s) is at %i:%i', (path, at, line, col) => {
    expect(positionOf(doc, path, at)).toEqual({ line, col });
  });

  it('tells whether a field exists and gives its value node', () => {
    expect(hasField(doc, ['spec', 'metrics', 0, 'successCondition'])).toBe(true);
    expect(hasField(doc, ['spec', 'metrics', 0, 'failureCondition'])).toBe(false);
    const node = valueNodeOf(doc, ['spec', 'metrics', 0, 'successCondition']);
    expect(node?.range?.[0]).toBe(TEMPLATE.indexOf('result[0]'));
    expect(valueNodeOf(doc, ['spec', 'nope'])).toBeUndefined();
  });
});

describe('scalarSourceOf', () => {
  const text = [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: AnalysisTemplate',
    'metadata: {name: t}',
    'spec:',
    '  metrics:',
    '    - name: plain',
    '      successCondition: result[0] > 1',
    '      failureCondition: "result[0] < 0"',
    '      provider: {web: {url: "http://127.0.0.1/x"}}',
    '    - name: block',
    '      successCondition: |',
    '        len(result) == 0',
    '      provider: {web: {url: "http://127.0.0.1/x"}}',
    '',
  ].join('\n');
  const doc = only(text);

  it.each([
    [['spec', 'metrics', 0, 'successCondition'], 'plain', 7, 25, 'result[0] > 1'],
    [['spec', 'metrics', 0, 'failureCondition'], 'quoted', 8, 26, 'result[0] < 0'],
    [['spec', 'metrics', 1, 'successCondition'], 'block', 12, 9, 'len(result) == 0\n'],
  ] as const)('%j is a %s scalar starting at %i:%i', (path, style, line, col, value) => {
    const s = scalarSourceOf(doc, path);
    expect(s).toMatchObject({ style, start: { line, col }, value });
    expect(text.slice(s!.offset, s!.offset + 3)).toBe(value.slice(0, 3));
  });

  it('is undefined for absent or non-string fields', () => {
    expect(scalarSourceOf(doc, ['spec', 'metrics', 1, 'failureCondition'])).toBeUndefined();
    expect(scalarSourceOf(doc, ['spec', 'metrics'])).toBeUndefined();
  });
});

describe('round trip', () => {
  it('load -> serialise -> load gives the same objects (sample app)', () => {
    const first = objectsOf(loadPaths([SAMPLE_APP]).documents);
    expect(first).toHaveLength(7);
    const again = parseDocuments(serializeDocuments(first), 'again.yaml');
    expect(again.flatMap((d) => d.diagnostics)).toEqual([]);
    expect(objectsOf(again)).toEqual(first);
  });

  it.each([
    ['Rollout', rolloutFixture()],
    ['AnalysisTemplate', templateFixture()],
    ['AnalysisRun with status', analysisRunFixture()],
  ])('%s survives serialise -> load unchanged', (_name, obj) => {
    const docs = parseDocuments(toYaml(obj), 'x.yaml');
    expect(docs[0]?.diagnostics).toEqual([]);
    expect(docs[0]?.object).toEqual(obj);
  });

  it('keeps arbitrary strings and numbers intact (YAML-special text is quoted)', () => {
    const tricky = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'null',
        'true',
        'yes',
        '~',
        '0x1F',
        '1e3',
        '- a',
        'a: b',
        '#x',
        ' lead',
        'trail ',
        "'q'",
        '"',
        '---',
        '\t',
        '\n\n',
      ),
    );
    fc.assert(
      fc.property(tricky, tricky, fc.integer(), (label, query, weight) => {
        const r = rolloutFixture();
        r.metadata.annotations = { note: label };
        r.spec.strategy.canary!.steps = [{ setWeight: weight }];
        const t = templateFixture();
        t.spec.metrics![0]!.provider = { prometheus: { query } };
        const docs = parseDocuments(serializeDocuments([r, t]), 'x.yaml');
        expect(docs.flatMap((d) => d.diagnostics)).toEqual([]);
        expect(objectsOf(docs)).toEqual([r, t]);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps multi-line queries byte for byte', () => {
    const obj = objectsOf([only(TEMPLATE)])[0]!;
    const again = objectsOf([only(toYaml(obj))])[0]!;
    expect(again).toEqual(obj);
    expect(JSON.stringify(again)).toContain('sum(rate(x[1m]))\\n');
  });
});

describe('files and directories', () => {
  const root = mkdtempSync(join(tmpdir(), 'kanary-load-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'nested', 'deeper'), { recursive: true });
  mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true });
  mkdirSync(join(root, '.git'), { recursive: true });
  mkdirSync(join(root, 'empty'));
  writeFileSync(join(root, 'a.yaml'), toYaml(rolloutFixture()));
  writeFileSync(join(root, 'nested', 'b.yml'), toYaml(templateFixture()));
  writeFileSync(join(root, 'nested', 'deeper', 'c.YAML'), toYaml(templateFixture()));
  writeFileSync(join(root, 'nested', 'notes.txt'), 'not: yaml: at: all');
  writeFileSync(join(root, 'main.ts'), 'export {};');
  writeFileSync(join(root, 'node_modules', 'pkg', 'bad.yaml'), 'kind: [');
  writeFileSync(join(root, '.git', 'bad.yaml'), 'kind: [');

  it('walks directories recursively, YAML only, skipping node_modules and dot-directories', () => {
    expect(yamlFilesUnder(root).map((f) => f.slice(root.length + 1))).toEqual([
      'a.yaml',
      join('nested', 'b.yml'),
      join('nested', 'deeper', 'c.YAML'),
    ]);
  });

  it('loads files and directories together', () => {
    const result = loadPaths([root, join(root, 'a.yaml')]);
    expect(result.diagnostics).toEqual([]);
    expect(result.documents.map((d) => d.object?.kind)).toEqual([
      'Rollout',
      'AnalysisTemplate',
      'AnalysisTemplate',
      'Rollout',
    ]);
  });

  it('reports a missing path and an empty directory', () => {
    const result = loadPaths([join(root, 'missing.yaml'), join(root, 'empty')]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 1,
        col: 1,
        message: expect.stringContaining('cannot read') as string,
      }),
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining('no *.yaml or *.yml files') as string,
      }),
    ]);
  });
});

describe('parseObject', () => {
  it('returns the typed object and drops unknown fields', () => {
    const obj = parseObject({ ...rolloutFixture(), extra: 1 });
    expect(obj).toEqual(rolloutFixture());
  });

  it.each([
    [{ kind: 'Widget' }, 'unknown kind "Widget"'],
    [{ ...rolloutFixture(), apiVersion: 'v1' }, 'apiVersion "v1" is not served for kind Rollout'],
    [
      { ...rolloutFixture(), spec: { strategy: { canary: { steps: [{ setWeight: '10%' }] } } } },
      'spec.strategy.canary.steps[0].setWeight: expected number, got string "10%"',
    ],
  ])('throws INVALID_SPEC for %j', (value, message) => {
    expect(() => parseObject(value)).toThrow(
      expect.objectContaining({ code: 'INVALID_SPEC', message: expect.stringContaining(message) as string }) as Error,
    );
  });
});

describe('findUnknownFields', () => {
  it('walks arrays, records and unions and ignores loose objects', () => {
    const r = {
      ...rolloutFixture(),
      spec: {
        ...rolloutFixture().spec,
        strategy: {
          canary: {
            maxSurge: 1,
            steps: [{ setWeight: 10, weight: 3 }, { pause: { duration: 5, unit: 's' } }],
            canaryMetadata: { labels: { a: 'b' }, color: 'red' },
          },
        },
      },
    };
    expect(findUnknownFields(RolloutSchema, r)).toEqual([
      ['spec', 'strategy', 'canary', 'steps', 0, 'weight'],
      ['spec', 'strategy', 'canary', 'steps', 1, 'pause', 'unit'],
      ['spec', 'strategy', 'canary', 'canaryMetadata', 'color'],
    ]);
  });
});
