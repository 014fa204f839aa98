import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rolloutFixture, templateFixture } from './fixtures.js';
import { diagnosticAt, formatDiagnostic, lintDocuments, type LintCheck } from './lint.js';
import { loadPaths, parseDocuments, serializeDocuments } from './load.js';
import type { AnalysisTemplate } from './analysis.js';
import type { Rollout } from './rollout.js';

const SAMPLE_APP = fileURLToPath(new URL('../../examples/sample-app/', import.meta.url));

const SERVICES = [
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'demo', namespace: 'apps' },
    spec: { selector: { app: 'demo' } },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'demo-canary', namespace: 'apps' },
    spec: { selector: { app: 'demo' } },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'demo', namespace: 'apps' },
    spec: {
      rules: [
        {
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'demo', port: { number: 80 } } } }],
          },
        },
      ],
    },
  },
];

function lint(objects: unknown[], checks: LintCheck[] = []) {
  return lintDocuments(parseDocuments(serializeDocuments(objects), 'all.yaml'), { checks });
}

function withAnalysis(change: (r: Rollout, t: AnalysisTemplate) => void): string[] {
  const r = rolloutFixture();
  const t = templateFixture();
  r.spec.strategy.canary!.analysis = { templates: [{ templateName: 'checks' }] };
  change(r, t);
  return lint([r, t, ...SERVICES]).map((d) => d.message);
}

describe('lintDocuments', () => {
  it('finds nothing in the sample app', () => {
    const loaded = loadPaths([SAMPLE_APP]);
    expect(loaded.diagnostics).toEqual([]);
    expect(lintDocuments(loaded.documents)).toEqual([]);
  });

  it('finds nothing when every reference resolves', () => {
    expect(withAnalysis(() => undefined)).toEqual([]);
  });

  it('reports each missing Service and Ingress by kind, name and namespace', () => {
    const messages = lint([rolloutFixture()]).map((d) => d.message);
    expect(messages).toEqual([
      'Rollout "demo": spec.strategy.canary.canaryService refers to Service "demo-canary" in namespace "apps", which is not among the given files; add its manifest with -f',
      'Rollout "demo": spec.strategy.canary.stableService refers to Service "demo" in namespace "apps", which is not among the given files; add its manifest with -f',
      'Rollout "demo": spec.strategy.canary.trafficRouting.nginx.stableIngress refers to Ingress "demo" in namespace "apps", which is not among the given files; add its manifest with -f',
    ]);
  });

  it('does not match objects in another namespace', () => {
    const other = SERVICES.map((s) => ({ ...s, metadata: { ...s.metadata, namespace: 'elsewhere' } }));
    expect(lint([rolloutFixture(), ...other])).toHaveLength(3);
  });

  it('matches objects without a namespace (applied with -n)', () => {
    const r = rolloutFixture();
    delete r.metadata.namespace;
    expect(lint([r, ...SERVICES])).toEqual([]);
  });

  it('reports a missing AnalysisTemplate, hinting at clusterScope when a ClusterAnalysisTemplate has the name', () => {
    expect(
      withAnalysis((_r, t) => {
        Object.assign(t, { kind: 'ClusterAnalysisTemplate' });
        delete t.metadata.namespace;
      }),
    ).toEqual([
      'Rollout "demo": spec.strategy.canary.analysis.templates[0].templateName refers to AnalysisTemplate "checks" in namespace "apps", which is not among the given files; add its manifest with -f (a ClusterAnalysisTemplate has that name: set clusterScope: true)',
    ]);
  });

  it('looks for a ClusterAnalysisTemplate when clusterScope is set', () => {
    expect(
      withAnalysis((r) => {
        r.spec.strategy.canary!.analysis!.templates = [{ templateName: 'checks', clusterScope: true }];
      }),
    ).toEqual([
      'Rollout "demo": spec.strategy.canary.analysis.templates[0].templateName refers to ClusterAnalysisTemplate "checks", which is not among the given files; add its manifest with -f (an AnalysisTemplate has that name: drop clusterScope)',
    ]);
  });

  it('reports a required template arg the Rollout does not give', () => {
    const messages = withAnalysis((_r, t) => {
      t.spec.args = [{ name: 'service' }, { name: 'threshold', value: '0.99' }];
    });
    expect(messages).toEqual([
      'Rollout "demo": AnalysisTemplate "checks" requires arg "service", which spec.strategy.canary.analysis.args does not give',
    ]);
    expect(
      withAnalysis((r, t) => {
        t.spec.args = [{ name: 'service' }];
        r.spec.strategy.canary!.analysis!.args = [{ name: 'service', value: 'demo-canary' }];
      }),
    ).toEqual([]);
  });

  it('checks step analysis references and nested template references', () => {
    const r = rolloutFixture();
    r.spec.strategy.canary!.steps = [{ analysis: { templates: [{ templateName: 'nope' }] } }];
    const t = templateFixture();
    t.spec.templates = [{ templateName: 'base' }];
    const messages = lint([r, t, ...SERVICES]).map((d) => d.message);
    expect(messages).toEqual([
      expect.stringContaining(
        'spec.strategy.canary.steps[0].analysis.templates[0].templateName refers to AnalysisTemplate "nope"',
      ),
      expect.stringContaining(
        'AnalysisTemplate "checks": spec.templates[0].templateName refers to AnalysisTemplate "base"',
      ),
    ]);
  });

  it('reports an Ingress that does not route to the stable Service', () => {
    const ingress = JSON.parse(
      JSON.stringify(SERVICES[2]).replace('"name":"demo","port"', '"name":"other","port"'),
    ) as unknown;
    expect(JSON.stringify(ingress)).toContain('"name":"other"');
    expect(lint([rolloutFixture(), SERVICES[0], SERVICES[1], ingress]).map((d) => d.message)).toEqual([
      'Rollout "demo": Ingress "demo" has no rule with a backend on the stable Service "demo"; the canary Ingress would route nothing',
    ]);
  });

  it('runs extra checks with positions for any field (the hook the condition checker uses)', () => {
    const check: LintCheck = (doc) =>
      doc.object.kind === 'AnalysisTemplate'
        ? (doc.object.spec.metrics ?? []).flatMap((m, i) =>
            m.successCondition
              ? [
                  diagnosticAt(
                    doc,
                    ['spec', 'metrics', i, 'successCondition'],
                    'warning',
                    `condition ${m.successCondition}`,
                  ),
                ]
              : [],
          )
        : [];
    const diagnostics = lint([templateFixture()], [check]);
    expect(diagnostics).toEqual([
      {
        path: 'all.yaml',
        line: 11,
        col: 25,
        severity: 'warning',
        message: 'condition result[0] >= 0.99',
        fieldPath: ['spec', 'metrics', 0, 'successCondition'],
      },
    ]);
    expect(formatDiagnostic(diagnostics[0]!)).toBe('all.yaml:11:25: warning: condition result[0] >= 0.99');
  });

  it('sorts findings by file, line and column', () => {
    const docs = [
      ...parseDocuments('apiVersion: v1\nkind: Service\nmetadata: {name: B}\n', 'b.yaml'),
      ...parseDocuments('apiVersion: v1\nkind: Service\nmetadata: {name: A, bogus: 1}\n', 'a.yaml'),
    ];
    expect(lintDocuments(docs).map(formatDiagnostic)).toEqual([
      'a.yaml:3:18: error: Service "A": metadata.name: name "A" must be lower-case letters, digits, \'-\' or \'.\', start and end with a letter or digit, at most 253 characters',
      'b.yaml:3:18: error: Service "B": metadata.name: name "B" must be lower-case letters, digits, \'-\' or \'.\', start and end with a letter or digit, at most 253 characters',
    ]);
  });
});
