import type { Ingress } from '../api/index.js';
import { DEFAULT_MAX_TRAFFIC_WEIGHT, DEFAULT_NGINX_ANNOTATION_PREFIX } from './constants.js';
import {
  availableReplicas,
  currentIndex,
  emit,
  isAborted,
  isFullyPromoted,
  isInitialDeploy,
  newRS,
  patch,
  specReplicas,
  stableRS,
  type Context,
} from './context.js';
import { ownerReference } from './replicasets.js';
import { canaryReplicasAt, currentSetWeight, lastSetWeightBefore } from './steps.js';
import { canaryIngressName, desiredCanaryIngress, stableIngressNames } from './trafficrouting/nginx.js';
import { canonicalJson } from './hash.js';

/**
 * Traffic routing: the weight the canary should get now, written to the nginx canary Ingress and recorded in
 * `status.canary.weights`. Rules (Argo's `reconcileTrafficRouting`): 0 when aborted, fully promoted or when the
 * canary has no available pod; the previous `setWeight` while the canary is still short of its pods for the current
 * step; the held weight under `promoteFull`; the maximum after the last step.
 */

export function maxWeight(ctx: Context): number {
  return ctx.canary.trafficRouting?.maxTrafficWeight ?? DEFAULT_MAX_TRAFFIC_WEIGHT;
}

/** Canary pods for the current step with traffic routing, raised to `minPodsPerReplicaSet` when not 0. */
export function routedCanaryReplicas(ctx: Context): number {
  const canary = canaryReplicasAt(ctx.steps, currentIndex(ctx), ctx.replicas, maxWeight(ctx));
  const min = Math.min(ctx.canary.minPodsPerReplicaSet ?? 0, ctx.replicas);
  return canary > 0 ? Math.max(canary, min) : canary;
}

/** The canary has exactly its pods for the current step, all available. */
export function canaryAtDesiredCount(ctx: Context): boolean {
  const rs = newRS(ctx);
  const want = routedCanaryReplicas(ctx);
  return specReplicas(rs) === want && availableReplicas(rs) >= want;
}

export function desiredWeight(ctx: Context): number {
  const max = maxWeight(ctx);
  if (isAborted(ctx) || isFullyPromoted(ctx) || isInitialDeploy(ctx)) return 0;
  if (availableReplicas(newRS(ctx)) === 0) return 0;
  if (ctx.status.promoteFull === true) return ctx.previous.canary?.weights?.canary.weight ?? 0;
  const index = currentIndex(ctx);
  if (index >= ctx.steps.length) return max;
  const weight = canaryAtDesiredCount(ctx)
    ? currentSetWeight(ctx.steps, index, max)
    : lastSetWeightBefore(ctx.steps, index);
  // Never raise the weight beyond what the stable pods can carry of the rest.
  const current = ctx.previous.canary?.weights?.canary.weight ?? 0;
  const stableNeeds = Math.ceil((ctx.replicas * (max - weight)) / max);
  if (weight > current && availableReplicas(stableRS(ctx)) < stableNeeds) return current;
  return weight;
}

function syncCanaryIngress(ctx: Context, stableIngress: Ingress, weight: number): boolean {
  const nginx = ctx.canary.trafficRouting?.nginx;
  if (!nginx) return false;
  const max = ctx.canary.trafficRouting?.maxTrafficWeight;
  const desired = desiredCanaryIngress({
    rollout: ctx.name,
    namespace: ctx.namespace,
    nginx,
    stableIngress,
    stableService: ctx.canary.stableService ?? '',
    canaryService: ctx.canary.canaryService ?? '',
    weight,
    ...(max === undefined ? {} : { weightTotal: max }),
    ownerReferences: [ownerReference(ctx)],
  });
  if (!desired) {
    emit(
      ctx,
      'Warning',
      'TrafficRoutingError',
      `Ingress "${stableIngress.metadata.name ?? ''}" has no rule with backend service "${ctx.canary.stableService ?? ''}"`,
    );
    return false;
  }
  const name = desired.metadata.name ?? '';
  const current = ctx.observed.ingresses.find((i) => i.metadata.name === name);
  if (!current) {
    ctx.actions.push({ type: 'create', object: desired });
    return true;
  }
  const body = ingressPatch(current, desired, nginx.annotationPrefix ?? DEFAULT_NGINX_ANNOTATION_PREFIX);
  if (body) patch(ctx, 'Ingress', name, body);
  return true;
}

/** The merge patch that turns the observed canary Ingress into the desired one; undefined when they agree. */
function ingressPatch(current: Ingress, desired: Ingress, prefix: string): Record<string, unknown> | undefined {
  const annotations: Record<string, string | null> = { ...(desired.metadata.annotations ?? {}) };
  const have = current.metadata.annotations ?? {};
  for (const key of Object.keys(have)) {
    if (key.startsWith(`${prefix}/`) && !(key in annotations)) annotations[key] = null;
  }
  const sameAnnotations = Object.entries(annotations).every(([k, v]) => (have[k] ?? null) === v);
  const sameSpec =
    canonicalJson(current.spec?.rules) === canonicalJson(desired.spec?.rules) &&
    current.spec?.ingressClassName === desired.spec?.ingressClassName;
  if (sameAnnotations && sameSpec) return undefined;
  return { metadata: { annotations }, spec: desired.spec };
}

export function reconcileTraffic(ctx: Context): void {
  const routing = ctx.canary.trafficRouting;
  if (!routing?.nginx) return;
  const weight = desiredWeight(ctx);
  let applied = true;
  for (const ingressName of stableIngressNames(routing.nginx)) {
    const stable = ctx.observed.ingresses.find((i) => i.metadata.name === ingressName);
    if (!stable) {
      emit(
        ctx,
        'Warning',
        'TrafficRoutingError',
        `Ingress "${ingressName}" not found: create the stable Ingress named in trafficRouting.nginx`,
      );
      applied = false;
      continue;
    }
    applied = syncCanaryIngress(ctx, stable, weight) && applied;
  }
  if (!applied) return;
  const before = ctx.previous.canary?.weights?.canary.weight;
  ctx.status.canary ??= {};
  ctx.status.canary.weights = {
    canary: {
      weight,
      podTemplateHash: ctx.podHash,
      ...(ctx.canary.canaryService ? { serviceName: ctx.canary.canaryService } : {}),
    },
    stable: {
      weight: maxWeight(ctx) - weight,
      ...(ctx.status.stableRS ? { podTemplateHash: ctx.status.stableRS } : {}),
      ...(ctx.canary.stableService ? { serviceName: ctx.canary.stableService } : {}),
    },
  };
  if ((before ?? 0) !== weight) {
    emit(ctx, 'Normal', 'TrafficWeightUpdated', `Traffic weight updated from ${before ?? 0} to ${weight}`);
  }
}

export { canaryIngressName };
