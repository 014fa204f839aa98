import { describe, expect, it } from 'vitest';
import type { Ingress } from '../../api/index.js';
import { canaryIngressName, desiredCanaryIngress, stableIngressNames } from './nginx.js';

const stable: Ingress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'ns', annotations: { 'kubernetes.io/ingress.class': 'nginx', other: 'x' } },
  spec: {
    rules: [
      {
        host: 'a.example',
        http: {
          paths: [
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'stable', port: { number: 80 } } } },
            { path: '/other', pathType: 'Prefix', backend: { service: { name: 'unrelated', port: { number: 80 } } } },
          ],
        },
      },
      {
        host: 'b.example',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'unrelated' } } }] },
      },
    ],
  },
};

describe('nginx canary Ingress', () => {
  it('is named <rollout>-<stableIngress>-canary, trimmed to 253 characters', () => {
    expect(canaryIngressName('ro', 'web')).toBe('ro-web-canary');
    expect(canaryIngressName('r'.repeat(300), 'web')).toHaveLength(253);
  });

  it('takes stableIngresses before stableIngress', () => {
    expect(stableIngressNames({ stableIngress: 'a' })).toEqual(['a']);
    expect(stableIngressNames({ stableIngresses: ['b', 'c'] })).toEqual(['b', 'c']);
  });

  it('copies only the stable rules, switched to the canary Service, with the canary annotations', () => {
    const ing = desiredCanaryIngress({
      rollout: 'ro',
      namespace: 'ns',
      nginx: { stableIngress: 'web', additionalIngressAnnotations: { 'canary-by-header': 'X-Canary' } },
      stableIngress: stable,
      stableService: 'stable',
      canaryService: 'canary',
      weight: 30,
      ownerReferences: [],
    });
    expect(ing?.metadata.name).toBe('ro-web-canary');
    expect(ing?.metadata.annotations).toEqual({
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '30',
      'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
    });
    expect(ing?.spec?.rules).toEqual([
      {
        host: 'a.example',
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'canary', port: { number: 80 } } } }],
        },
      },
    ]);
  });

  it('is undefined when no rule routes to the stable Service', () => {
    const input = {
      rollout: 'ro',
      namespace: 'ns',
      nginx: {},
      stableIngress: stable,
      stableService: 'nope',
      canaryService: 'c',
      weight: 0,
      ownerReferences: [],
    };
    expect(desiredCanaryIngress(input)).toBeUndefined();
  });
});
