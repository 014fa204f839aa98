import { describe, expect, it } from 'vitest';
import { ConfigMapSchema, ContainerSchema } from './core.js';
import { formatFieldPath } from './issues.js';
import { parseDocuments, parseObject } from './load.js';

/** The problems of one container as `field: message` lines. */
function containerIssues(container: unknown): string[] {
  const parsed = ContainerSchema.safeParse(container);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${formatFieldPath(i.path as never)}: ${i.message}`);
}

describe('container envFrom', () => {
  it.each<[string, unknown[]]>([
    ['a ConfigMap', [{ configMapRef: { name: 'app-config' } }]],
    ['a Secret, optional, with a prefix', [{ secretRef: { name: 'creds', optional: true }, prefix: 'DB_' }]],
    ['a prefix with the characters Kubernetes 1.34 accepts', [{ configMapRef: { name: 'a' }, prefix: 'my.app-1:' }]],
    ['several sources', [{ configMapRef: { name: 'a' } }, { secretRef: { name: 'b' } }]],
  ])('accepts %s', (_title, envFrom) => {
    expect(containerIssues({ name: 'c', envFrom })).toEqual([]);
  });

  it.each<[string, unknown[], string]>([
    [
      'both refs in one entry',
      [{ configMapRef: { name: 'a' }, secretRef: { name: 'b' } }],
      'envFrom[0].secretRef: give one of',
    ],
    [
      'neither ref',
      [{ configMapRef: { name: 'a' } }, { prefix: 'X_' }],
      'envFrom[1]: an envFrom entry needs configMapRef or secretRef',
    ],
    [
      'a prefix with "="',
      [{ configMapRef: { name: 'a' }, prefix: 'A=' }],
      'envFrom[0].prefix: may contain printable ASCII',
    ],
    [
      'a prefix with a control character',
      [{ configMapRef: { name: 'a' }, prefix: 'A\n' }],
      'envFrom[0].prefix: may contain',
    ],
    [
      'an empty name',
      [{ configMapRef: { name: '' } }],
      'envFrom[0].configMapRef.name: must name the ConfigMap or Secret',
    ],
    ['a missing name', [{ secretRef: {} }], 'envFrom[0].secretRef.name:'],
    ['optional not a boolean', [{ secretRef: { name: 's', optional: 'yes' } }], 'envFrom[0].secretRef.optional:'],
  ])('rejects %s', (_title, envFrom, message) => {
    expect(containerIssues({ name: 'c', envFrom }).join('\n')).toContain(message);
  });

  it('reports a bad envFrom of a manifest at its line with the full field path', () => {
    const [doc] = parseDocuments(
      `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: app:1
      envFrom:
        - configMapRef:
            name: app-config
          prefix: "A=B"
        - configMapRef:
            name: app-config
          extra: 1
`,
      'pod.yaml',
    );
    expect(doc?.diagnostics.map((d) => [d.severity, d.line, d.message])).toEqual([
      [
        'error',
        12,
        'Pod "p": spec.containers[0].envFrom[0].prefix: may contain printable ASCII characters other than "=" only (got string "A=B")',
      ],
      ['warning', 15, 'Pod "p": unknown field "spec.containers[0].envFrom[1].extra" is ignored'],
    ]);
  });
});

describe('container env resourceFieldRef', () => {
  const env = (resourceFieldRef: object) => [{ name: 'CPU', valueFrom: { resourceFieldRef } }];

  it.each<[object]>([
    [{ resource: 'limits.cpu' }],
    [{ resource: 'requests.memory', divisor: '1Mi' }],
    [{ resource: 'limits.memory', divisor: 1, containerName: 'app' }],
  ])('accepts %j', (ref) => {
    expect(containerIssues({ name: 'c', env: env(ref) })).toEqual([]);
  });

  it.each<[object, string]>([
    [{ resource: 'limit.cpu' }, 'env[0].valueFrom.resourceFieldRef.resource: must be limits.cpu, limits.memory'],
    [{}, 'env[0].valueFrom.resourceFieldRef.resource:'],
    [{ resource: 'limits.cpu', divisor: true }, 'env[0].valueFrom.resourceFieldRef.divisor:'],
  ])('rejects %j', (ref, message) => {
    expect(containerIssues({ name: 'c', env: env(ref) }).join('\n')).toContain(message);
  });
});

describe('ConfigMap', () => {
  const cm = (extra: object) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, ...extra });

  it('is a known kind with data, binaryData and immutable', () => {
    const obj = cm({
      data: { LOG_LEVEL: 'info', 'app.properties': 'a=b\n' },
      binaryData: { logo: 'iVBORw==' },
      immutable: true,
    });
    expect(parseObject(obj)).toEqual(obj);
  });

  it.each<[string, object, string]>([
    ['a key with a slash', { data: { 'a/b': 'x' } }, 'data["a/b"]: a ConfigMap key must consist of letters'],
    ['an empty key', { binaryData: { '': 'eA==' } }, 'a ConfigMap key must consist of'],
    ['a key in data and binaryData', { data: { k: 'x' }, binaryData: { k: 'eA==' } }, 'key "k" is in data already'],
    [
      'binaryData that is not base64',
      { binaryData: { k: 'not base64!' } },
      'binaryData.k: a binaryData value must be base64',
    ],
    ['a number value', { data: { PORT: 8080 } }, 'data.PORT: expected string, got integer 8080'],
  ])('rejects %s', (_title, extra, message) => {
    expect(() => parseObject(cm(extra))).toThrow(message);
  });

  it('accepts a key of 253 characters and rejects one of 254', () => {
    expect(ConfigMapSchema.safeParse(cm({ data: { ['k'.repeat(253)]: '' } })).success).toBe(true);
    expect(ConfigMapSchema.safeParse(cm({ data: { ['k'.repeat(254)]: '' } })).success).toBe(false);
  });
});
