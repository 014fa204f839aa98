import type { Ingress, NginxTrafficRouting } from '../../api/index.js';
import { DEFAULT_NGINX_ANNOTATION_PREFIX } from '../constants.js';

/**
 * ingress-nginx canary routing (Argo's `rollout/trafficrouting/nginx`): for each stable Ingress the controller owns
 * a canary Ingress `<rollout>-<stableIngress>-canary`, a copy of the rules that point at the stable Service switched
 * to the canary Service, carrying `canary: "true"` and `canary-weight: "<w>"` under the annotation prefix.
 */

export function stableIngressNames(nginx: NginxTrafficRouting): string[] {
  if (nginx.stableIngresses && nginx.stableIngresses.length > 0) return nginx.stableIngresses;
  return nginx.stableIngress ? [nginx.stableIngress] : [];
}

export function canaryIngressName(rollout: string, stableIngress: string): string {
  return `${rollout}-${stableIngress}-canary`.slice(0, 253);
}

export interface CanaryIngressInput {
  rollout: string;
  namespace: string;
  nginx: NginxTrafficRouting;
  stableIngress: Ingress;
  stableService: string;
  canaryService: string;
  weight: number;
  /** Set when `maxTrafficWeight` is given: becomes `canary-weight-total`. */
  weightTotal?: number;
  ownerReferences: NonNullable<Ingress['metadata']['ownerReferences']>;
}

function withPrefix(prefix: string, key: string): string {
  return key.includes('/') ? key : `${prefix}/${key}`;
}

/** The annotations of the canary Ingress, in Argo's precedence: class, additional (prefixed), canary ones, then ours. */
export function canaryAnnotations(input: CanaryIngressInput): Record<string, string> {
  const prefix = input.nginx.annotationPrefix ?? DEFAULT_NGINX_ANNOTATION_PREFIX;
  const out: Record<string, string> = {};
  const cls = input.stableIngress.metadata.annotations?.['kubernetes.io/ingress.class'];
  if (cls !== undefined) out['kubernetes.io/ingress.class'] = cls;
  for (const [k, v] of Object.entries(input.nginx.additionalIngressAnnotations ?? {})) out[withPrefix(prefix, k)] = v;
  for (const [k, v] of Object.entries(input.nginx.canaryIngressAnnotations ?? {})) out[k] = v;
  out[`${prefix}/canary`] = 'true';
  out[`${prefix}/canary-weight`] = String(input.weight);
  if (input.weightTotal !== undefined) out[`${prefix}/canary-weight-total`] = String(input.weightTotal);
  return out;
}

/** The canary Ingress wanted for one stable Ingress; undefined when no rule routes to the stable Service. */
export function desiredCanaryIngress(input: CanaryIngressInput): Ingress | undefined {
  const rules = (input.stableIngress.spec?.rules ?? []).flatMap((rule) => {
    const paths = (rule.http?.paths ?? []).filter((p) => p.backend.service?.name === input.stableService);
    if (paths.length === 0) return [];
    const switched = paths.map((p) => ({
      ...p,
      backend: { ...p.backend, service: { ...(p.backend.service ?? {}), name: input.canaryService } },
    }));
    return [{ ...rule, http: { ...(rule.http ?? {}), paths: switched } }];
  });
  if (rules.length === 0) return undefined;
  const className = input.stableIngress.spec?.ingressClassName;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: canaryIngressName(input.rollout, input.stableIngress.metadata.name ?? ''),
      namespace: input.namespace,
      annotations: canaryAnnotations(input),
      ownerReferences: input.ownerReferences,
    },
    spec: { ...(className === undefined ? {} : { ingressClassName: className }), rules },
  };
}
