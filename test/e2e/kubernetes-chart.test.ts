import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crdsYaml, lintDocuments, parseDocuments } from '../../src/api/index.js';
import { renderChart } from '../harness/helm-render.js';

/**
 * The Helm chart in deploy/helm/kanary, rendered by a test-only renderer of the Go-template subset the chart uses
 * (test/harness/helm-render.ts; Helm is not installed here), then loaded through Kanary's own YAML loader and linted.
 */
const CHART = fileURLToPath(new URL('../../deploy/helm/kanary', import.meta.url));
const RELEASE = { name: 'kanary', namespace: 'kanary-system' };

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
}

function manifests(overrides: Record<string, unknown> = {}): Manifest[] {
  const { templates } = renderChart(CHART, RELEASE, overrides);
  const out: Manifest[] = [];
  for (const [file, text] of templates) {
    for (const doc of parseDocuments(text, file)) if (doc.raw !== undefined) out.push(doc.raw as Manifest);
  }
  return out;
}

function find(list: Manifest[], kind: string, name?: string): Manifest {
  const found = list.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} in the rendered chart`);
  return found;
}

describe('Helm chart deploy/helm/kanary', () => {
  it.each([
    ['defaults', {}],
    ['leader election off, no secrets', { leaderElection: { enabled: false }, readSecrets: false }],
    ['with a ServiceMonitor', { metrics: { serviceMonitor: { enabled: true } } }],
  ])('renders (%s) to manifests that load through Kanary’s YAML loader and pass kanary lint', (_what, overrides) => {
    const { templates, crds } = renderChart(CHART, RELEASE, overrides);
    const docs = [...templates, ...crds].flatMap(([file, text]) => parseDocuments(text, file));
    expect(docs.length).toBeGreaterThan(5);
    const errors = lintDocuments(docs).filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
    for (const doc of docs) expect(doc.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The kinds Kanary models (the metrics Service) went through its schema, not just the YAML parser.
    expect(docs.filter((d) => d.object !== undefined).map((d) => d.object?.kind)).toContain('Service');
  });

  it('runs two replicas with leader election, the metrics port and the instance id', () => {
    const list = manifests();
    const deployment = find(list, 'Deployment', 'kanary') as Manifest & {
      spec: {
        replicas: number;
        template: {
          spec: {
            serviceAccountName: string;
            containers: { command: string[]; args: string[]; ports: { containerPort: number }[] }[];
          };
        };
      };
    };
    expect(deployment.spec.replicas).toBe(2);
    const container = deployment.spec.template.spec.containers[0];
    expect(container?.command).toEqual(['node', '/app/bin/kanary.js', 'controller']);
    expect(container?.args).toEqual([
      '--metrics-port=8090',
      '--instance-id=kanary',
      '--leader-elect',
      '--lease-name=kanary-controller',
      '--lease-duration=15',
      '--renew-deadline=10',
      '--retry-period=2',
    ]);
    expect(container?.ports[0]?.containerPort).toBe(8090);
    expect(deployment.spec.template.spec.serviceAccountName).toBe('kanary');
    const service = find(list, 'Service', 'kanary-metrics') as Manifest & { spec: { ports: { port: number }[] } };
    expect(service.spec.ports[0]?.port).toBe(8090);
    expect(() => find(list, 'ServiceMonitor')).toThrow();
  });

  it('drops the leader election flags and the Lease Role when leader election is off', () => {
    const list = manifests({ leaderElection: { enabled: false }, replicas: 1 });
    const deployment = find(list, 'Deployment') as Manifest & {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    };
    expect(deployment.spec.template.spec.containers[0]?.args).not.toContain('--leader-elect');
    expect(list.some((m) => m.kind === 'Role')).toBe(false);
  });

  it('grants least privilege: no wildcards, Leases only in the release namespace, Pods read-only', () => {
    const list = manifests();
    type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
    const cluster = find(list, 'ClusterRole') as Manifest & { rules: Rule[] };
    const all = cluster.rules.flatMap((r) => [...r.apiGroups, ...r.resources, ...r.verbs]);
    expect(all).not.toContain('*');
    const verbsOf = (resource: string): string[] =>
      cluster.rules.filter((r) => r.resources.includes(resource)).flatMap((r) => r.verbs);
    expect(verbsOf('pods').sort()).toEqual(['get', 'list', 'watch']);
    expect(verbsOf('leases')).toEqual([]);
    expect(verbsOf('secrets')).toEqual(['get']);
    const role = find(list, 'Role') as Manifest & { rules: Rule[] };
    expect(role.metadata.namespace).toBe('kanary-system');
    expect(role.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
    ]);
    expect(verbsOf('secrets')).toEqual(['get']);
    const noSecrets = find(manifests({ readSecrets: false }), 'ClusterRole') as Manifest & { rules: Rule[] };
    expect(noSecrets.rules.some((r) => r.resources.includes('secrets'))).toBe(false);
  });

  it('ships the CRDs `kanary crds` prints (regenerate: `kanary crds > deploy/helm/kanary/crds/kanary-crds.yaml`, then prettier)', () => {
    const committed = readFileSync(new URL('../../deploy/helm/kanary/crds/kanary-crds.yaml', import.meta.url), 'utf8');
    const values = (text: string): unknown[] => parseDocuments(text, 'crds').map((d) => d.raw);
    expect(values(committed)).toEqual(values(crdsYaml()));
    const names = values(committed).map((d) => (d as Manifest).metadata.name);
    expect(names.sort()).toEqual([
      'analysisruns.argoproj.io',
      'analysistemplates.argoproj.io',
      'clusteranalysistemplates.argoproj.io',
      'rollouts.argoproj.io',
    ]);
  });
});
