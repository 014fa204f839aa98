import { describe, expect, it } from 'vitest';
import { lintDocuments, parseDocuments } from '../api/index.js';
import { conditionCheck } from './lint-conditions.js';

function lint(yaml: string): string[] {
  const docs = parseDocuments(yaml, 't.yaml');
  return lintDocuments(docs, { checks: [conditionCheck] })
    .filter((d) => d.message.includes('Condition'))
    .map((d) => `${d.line}:${d.col} ${d.message}`);
}

function template(metric: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: t
spec:
  metrics:
${metric}`;
}

const prometheus = `      provider:
        prometheus:
          address: http://127.0.0.1:9090
          query: up`;

describe('conditionCheck', () => {
  it('passes the seed condition', () => {
    expect(
      lint(
        template(
          `    - name: success-share\n      successCondition: len(result) == 0 || result[0] >= 0.99\n${prometheus}`,
        ),
      ),
    ).toEqual([]);
  });

  it('reports a syntax error at its column in a plain scalar', () => {
    expect(lint(template(`    - name: m\n      successCondition: result[0] >=\n${prometheus}`))).toEqual([
      '8:37 metric "m" successCondition: unexpected token EOF',
    ]);
  });

  it('reports a type error Argo raises for a vector, inside a quoted scalar', () => {
    const out = lint(
      template(`    - name: m\n      failureCondition: "isNaN(result) && result[0] < 0.5"\n${prometheus}`),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^8:32 metric "m" failureCondition: .*isNaN/);
  });

  it('places an error on a later line of a block scalar', () => {
    const out = lint(
      template(
        `    - name: m\n      successCondition: |\n        result[0] > 1 &&\n          result[0] <\n${prometheus}`,
      ),
    );
    expect(out).toEqual(['10:22 metric "m" successCondition: unexpected token EOF']);
  });

  it('treats {{args.x}} placeholders as values of unknown type', () => {
    expect(
      lint(template(`    - name: m\n      successCondition: result[0] >= {{args.threshold}}\n${prometheus}`)),
    ).toEqual([]);
  });
});
