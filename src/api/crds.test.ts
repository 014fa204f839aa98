import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crdsYaml, generateCrds, openApiSchemaFor, structural } from './crds.js';
import { parseDocuments } from './load.js';
import { RolloutSchema } from './rollout.js';
import { MetricSchema } from './analysis.js';

const GOLDEN = fileURLToPath(new URL('./testdata/crds.golden.yaml', import.meta.url));

type Node = Record<string, unknown>;

/** Every schema node with its JSON path. */
function* nodes(node: Node, path = '$'): Generator<[string, Node]> {
  yield [path, node];
  for (const [k, v] of Object.entries((node.properties as Record<string, Node> | undefined) ?? {}))
    yield* nodes(v, `${path}.${k}`);
  if (node.items) yield* nodes(node.items as Node, `${path}[]`);
  if (typeof node.additionalProperties === 'object') yield* nodes(node.additionalProperties as Node, `${path}{}`);
}

function at(schema: Node, path: string): Node {
  let n = schema;
  for (const seg of path.split('.')) {
    n = seg === '[]' ? (n.items as Node) : ((n.properties as Record<string, Node>)[seg] as Node);
    if (!(n as Node | undefined)) throw new Error(`no ${seg} in ${path}`);
  }
  return n;
}

describe('kanary crds', () => {
  it('matches the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    const yaml = crdsYaml();
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, yaml);
    expect(yaml).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('loads back through the YAML loader to the same objects, without errors', () => {
    const docs = parseDocuments(crdsYaml(), 'crds.yaml');
    expect(docs.flatMap((d) => d.diagnostics).filter((d) => d.severity === 'error')).toEqual([]);
    expect(docs.map((d) => d.raw)).toEqual(generateCrds());
  });

  it('declares the four kinds with short names, scope and subresources', () => {
    const summary = generateCrds().map((c) => {
      const spec = c.spec as { names: { kind: string; shortNames: string[] }; scope: string; versions: Node[] };
      return [
        spec.names.kind,
        spec.names.shortNames,
        spec.scope,
        Object.keys((spec.versions[0]?.subresources as Node | undefined) ?? {}),
      ];
    });
    expect(summary).toEqual([
      ['Rollout', ['ro'], 'Namespaced', ['status', 'scale']],
      ['AnalysisTemplate', ['at'], 'Namespaced', []],
      ['ClusterAnalysisTemplate', ['cat'], 'Cluster', []],
      ['AnalysisRun', ['ar'], 'Namespaced', ['status']],
    ]);
  });

  it.each(generateCrds().map((c) => [(c.metadata as { name: string }).name, c] as const))(
    '%s follows the structural-schema rules',
    (_name, crd) => {
      const schema = ((crd.spec as { versions: Node[] }).versions[0]!.schema as Node).openAPIV3Schema as Node;
      expect(schema.properties).toMatchObject({
        metadata: { type: 'object' },
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
      });
      for (const [path, node] of nodes(schema)) {
        const text = JSON.stringify(node);
        expect(text, path).not.toMatch(/"\$ref"|"\$schema"|"anyOf"|"oneOf"|"propertyNames"/);
        expect(
          node.properties !== undefined && node.additionalProperties !== undefined,
          `${path} has properties and additionalProperties`,
        ).toBe(false);
        const typed =
          node.type !== undefined ||
          node['x-kubernetes-int-or-string'] === true ||
          node['x-kubernetes-preserve-unknown-fields'] === true;
        expect(typed, `${path} has no type`).toBe(true);
      }
    },
  );

  it('marks int-or-string fields and keeps loose parts open', () => {
    const rollout = openApiSchemaFor(RolloutSchema);
    expect(at(rollout, 'spec.strategy.canary.maxSurge')).toEqual({ 'x-kubernetes-int-or-string': true });
    expect(at(rollout, 'spec.strategy.canary.steps.[].pause.duration')).toEqual({ 'x-kubernetes-int-or-string': true });
    expect(at(rollout, 'spec.template')).toMatchObject({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(at(rollout, 'spec.strategy.canary.steps.[].setWeight')).toEqual({ type: 'integer' });
    expect(at(rollout, 'spec.strategy.canary.steps.[].plugin.config')).toEqual({
      'x-kubernetes-preserve-unknown-fields': true,
    });
    const metric = openApiSchemaFor(
      MetricSchema.extend({
        apiVersion: RolloutSchema.shape.apiVersion,
        kind: RolloutSchema.shape.kind,
        metadata: RolloutSchema.shape.metadata,
      }),
    );
    expect(at(metric, 'count')).toEqual({ 'x-kubernetes-int-or-string': true });
    // Kanary's own providers are typed; a number that may also be a string ("{{args.alpha}}") stays open.
    expect(at(metric, 'provider.router')).toMatchObject({ type: 'object', required: ['service', 'metric'] });
    expect(at(metric, 'provider.judge')).toMatchObject({ required: ['canaryService', 'stableService'] });
    expect(at(metric, 'provider.judge.alpha')).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
    expect(at(metric, 'provider.plugin')).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(at(metric, 'provider.prometheus.headers.[]')).toMatchObject({ required: ['key', 'value'] });
  });

  it('rejects $ref and maps other unions to preserve-unknown-fields', () => {
    expect(() => structural({ $ref: '#/x' })).toThrow(/\$ref/);
    expect(structural({ anyOf: [{ type: 'boolean' }, { type: 'string' }] })).toEqual({
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(
      structural({ type: 'object', additionalProperties: { type: 'integer', minimum: -9007199254740991 } }),
    ).toEqual({
      type: 'object',
      additionalProperties: { type: 'integer' },
    });
  });
});
