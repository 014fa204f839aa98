import type {
  CanaryStep,
  CanaryStepType,
  CanaryStrategy,
  Rollout,
  RolloutAnalysis,
  RolloutTrafficRouting,
} from './rollout.js';
import { CANARY_STEP_TYPES } from './rollout.js';
import {
  DEFAULT_MAX_TRAFFIC_WEIGHT,
  DEFAULT_MIN_READY_SECONDS,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
} from './defaults.js';
import type { IntOrString } from './common.js';
import { tryParseDuration } from './duration.js';
import { type FieldPath, IssueList } from './issues.js';
import { isEmptySelector, matchesSelector } from './labels.js';

/**
 * Argo's Rollout validation (`pkg/apis/rollouts/validation/validation.go`), plus Kanary's "not supported yet" for
 * the parts it does not run: blue-green, workloadRef, routers other than nginx, experiment/plugin/header/mirror
 * steps and ping-pong services.
 */

/** Step types Kanary runs. */
export const SUPPORTED_STEP_TYPES: readonly CanaryStepType[] = ['setWeight', 'pause', 'analysis', 'setCanaryScale'];

/** Traffic routers Kanary runs (the local router and ingress-nginx both speak nginx's canary annotations). */
export const SUPPORTED_TRAFFIC_ROUTERS = ['nginx'] as const;

const ROUTER_KEYS = ['nginx', 'istio', 'alb', 'smi', 'ambassador', 'appMesh', 'traefik', 'apisix', 'plugins'] as const;

const SPEC = ['spec'] as const;
const CANARY = ['spec', 'strategy', 'canary'] as const;

export function validateRolloutObject(rollout: Rollout, out: IssueList): void {
  const spec = rollout.spec;
  for (const key of ['replicas', 'revisionHistoryLimit', 'minReadySeconds', 'progressDeadlineSeconds'] as const) {
    const v = spec[key];
    if (v !== undefined && v < 0) out.error([...SPEC, key], `${key} ${v} must be >= 0`);
  }
  const minReady = spec.minReadySeconds ?? DEFAULT_MIN_READY_SECONDS;
  const deadline = spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  if (deadline <= minReady) {
    out.error(
      [...SPEC, 'progressDeadlineSeconds'],
      `progressDeadlineSeconds (${deadline}) must be greater than minReadySeconds (${minReady})`,
    );
  }
  if (spec.rollbackWindow?.revisions !== undefined && spec.rollbackWindow.revisions < 0) {
    out.error([...SPEC, 'rollbackWindow', 'revisions'], `revisions ${spec.rollbackWindow.revisions} must be >= 0`);
  }
  for (const key of ['successfulRunHistoryLimit', 'unsuccessfulRunHistoryLimit'] as const) {
    const v = spec.analysis?.[key];
    if (v !== undefined && v < 0) out.error([...SPEC, 'analysis', key], `${key} ${v} must be >= 0`);
  }
  if (spec.restartAt !== undefined && Number.isNaN(Date.parse(spec.restartAt))) {
    out.error([...SPEC, 'restartAt'], `restartAt "${spec.restartAt}" is not an RFC 3339 time`);
  }
  validateWorkload(rollout, out);
  validateStrategy(rollout, out);
}

function validateWorkload(rollout: Rollout, out: IssueList): void {
  const { selector, template, workloadRef } = rollout.spec;
  if (workloadRef) {
    out.notSupported([...SPEC, 'workloadRef'], 'workloadRef');
    if (template) out.error([...SPEC, 'template'], 'template and workloadRef cannot both be set');
    return;
  }
  if (!selector) {
    out.error([...SPEC, 'selector'], "missing field 'selector': set spec.selector.matchLabels to the template labels");
  } else if (isEmptySelector(selector)) {
    out.error([...SPEC, 'selector'], 'selector must not be empty: it would select every pod');
  }
  if (!template) {
    out.error([...SPEC, 'template'], "missing field 'template' (or workloadRef)");
    return;
  }
  validateContainers(template.spec.containers, out);
  if (selector && !isEmptySelector(selector) && !matchesSelector(selector, template.metadata?.labels)) {
    out.error(
      [...SPEC, 'template', 'metadata', 'labels'],
      `selector ${JSON.stringify(selector.matchLabels ?? selector.matchExpressions)} does not match template labels ${JSON.stringify(template.metadata?.labels ?? {})}`,
    );
  }
}

function validateContainers(containers: readonly { name: string; image?: string | undefined }[], out: IssueList): void {
  const path = [...SPEC, 'template', 'spec', 'containers'];
  if (containers.length === 0) out.error(path, 'the pod template needs at least one container');
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    if (seen.has(c.name)) out.error([...path, i, 'name'], `container name "${c.name}" is used twice`);
    seen.add(c.name);
    if (c.image === undefined || c.image.trim() === '') {
      out.error([...path, i], `container "${c.name}" needs an image (Kubernetes requires one)`);
    }
  });
}

function validateStrategy(rollout: Rollout, out: IssueList): void {
  const { canary, blueGreen } = rollout.spec.strategy;
  if (canary && blueGreen) {
    out.error([...SPEC, 'strategy'], 'Multiple Strategies can not be listed: set either canary or blueGreen');
    return;
  }
  if (blueGreen) {
    out.notSupported([...SPEC, 'strategy', 'blueGreen'], 'the blueGreen strategy');
    return;
  }
  if (!canary) {
    out.error([...SPEC, 'strategy'], 'no rollout strategy: set strategy.canary');
    return;
  }
  validateCanary(canary, out);
}

function validateCanary(canary: CanaryStrategy, out: IssueList): void {
  validateSurge(canary, out);
  const routing = canary.trafficRouting;
  if (routing) validateTrafficRouting(canary, routing, out);
  else validateBasicCanaryOnlyFields(canary, out);
  if (canary.scaleDownDelaySeconds !== undefined && canary.dynamicStableScale) {
    out.error([...CANARY, 'scaleDownDelaySeconds'], 'scaleDownDelaySeconds cannot be used with dynamicStableScale');
  }
  for (const key of [
    'scaleDownDelaySeconds',
    'abortScaleDownDelaySeconds',
    'scaleDownDelayRevisionLimit',
    'minPodsPerReplicaSet',
  ] as const) {
    const v = canary[key];
    if (v !== undefined && v < 0) out.error([...CANARY, key], `${key} ${v} must be >= 0`);
  }
  if (canary.pingPong) out.notSupported([...CANARY, 'pingPong'], 'pingPong services');
  validateAntiAffinity(canary, out);
  const threshold = canary.replicaProgressThreshold;
  if (threshold && (threshold.value < 0 || (threshold.type === 'Percent' && threshold.value > 100))) {
    out.error(
      [...CANARY, 'replicaProgressThreshold', 'value'],
      `replicaProgressThreshold value ${threshold.value} must be within 0..${threshold.type === 'Percent' ? 100 : 'replicas'}`,
    );
  }
  const steps = canary.steps ?? [];
  if (canary.analysis) {
    validateRolloutAnalysis(canary.analysis, [...CANARY, 'analysis'], out);
    const start = canary.analysis.startingStep;
    if (start !== undefined && (start < 0 || start > steps.length)) {
      out.error(
        [...CANARY, 'analysis', 'startingStep'],
        `startingStep ${start} must be within 0..${steps.length} (the number of steps)`,
      );
    }
  }
  const maxWeight = routing?.maxTrafficWeight ?? DEFAULT_MAX_TRAFFIC_WEIGHT;
  steps.forEach((step, i) => validateStep(step, { index: i, canary, maxWeight }, out));
}

function validateSurge(canary: CanaryStrategy, out: IssueList): void {
  const surge = intOrPercent(canary.maxSurge, 'maxSurge', out);
  const unavailable = intOrPercent(canary.maxUnavailable, 'maxUnavailable', out);
  if (surge === 0 && unavailable === 0) {
    out.error([...CANARY, 'maxSurge'], 'maxSurge and maxUnavailable cannot both be 0');
  }
  if (typeof canary.maxUnavailable === 'string' && unavailable !== undefined && unavailable > 100) {
    out.error([...CANARY, 'maxUnavailable'], `maxUnavailable "${canary.maxUnavailable}" must not exceed 100%`);
  }
}

/** The numeric part of an int-or-percent ("25%" -> 25), reporting a malformed value. */
function intOrPercent(
  value: IntOrString | undefined,
  key: 'maxSurge' | 'maxUnavailable',
  out: IssueList,
): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : /^\d+%$/.test(value) ? Number(value.slice(0, -1)) : Number.NaN;
  if (Number.isNaN(n)) {
    out.error([...CANARY, key], `${key} "${String(value)}" must be an integer or a percentage such as "25%"`);
    return undefined;
  }
  if (n < 0) out.error([...CANARY, key], `${key} ${n} must be >= 0`);
  return n;
}

function validateTrafficRouting(canary: CanaryStrategy, routing: RolloutTrafficRouting, out: IssueList): void {
  const path = [...CANARY, 'trafficRouting'];
  for (const key of ['stableService', 'canaryService'] as const) {
    if (!canary[key]) {
      out.error(
        [...CANARY, key],
        `${key} is not set: Canary service and Stable service must to be set to use Traffic Routing`,
      );
    }
  }
  if (canary.canaryService && canary.canaryService === canary.stableService) {
    out.error(
      [...CANARY, 'stableService'],
      `canaryService and stableService are both "${canary.stableService}": two different Services are required`,
    );
  }
  const routers = ROUTER_KEYS.filter((k) => routing[k] !== undefined);
  if (routers.length === 0) out.error(path, 'trafficRouting must configure a router: set trafficRouting.nginx');
  for (const r of routers) {
    if (r !== 'nginx') out.notSupported([...path, r], `traffic router '${r}'`);
  }
  const nginx = routing.nginx;
  if (nginx) {
    const single = nginx.stableIngress !== undefined && nginx.stableIngress !== '';
    const multiple = nginx.stableIngresses !== undefined && nginx.stableIngresses.length > 0;
    if (single === multiple) {
      out.error([...path, 'nginx'], 'set exactly one of stableIngress or stableIngresses');
    }
  }
  if (routing.maxTrafficWeight !== undefined && routing.maxTrafficWeight <= 0) {
    out.error([...path, 'maxTrafficWeight'], `maxTrafficWeight ${routing.maxTrafficWeight} must be > 0`);
  }
  const seen = new Set<string>();
  (routing.managedRoutes ?? []).forEach((r, i) => {
    if (seen.has(r.name)) out.error([...path, 'managedRoutes', i, 'name'], `managed route '${r.name}' is listed twice`);
    seen.add(r.name);
  });
}

/** Argo rejects scaleDownDelaySeconds and dynamicStableScale without traffic routing and ignores the rest. */
function validateBasicCanaryOnlyFields(canary: CanaryStrategy, out: IssueList): void {
  for (const key of ['scaleDownDelaySeconds', 'dynamicStableScale'] as const) {
    if (canary[key] !== undefined && canary[key] !== false) {
      out.error([...CANARY, key], `${key} can only be used with trafficRouting (it is ${String(canary[key])})`);
    }
  }
  for (const key of ['abortScaleDownDelaySeconds', 'scaleDownDelayRevisionLimit', 'minPodsPerReplicaSet'] as const) {
    if (canary[key] !== undefined) {
      out.warning([...CANARY, key], `${key} ${String(canary[key])} has no effect without trafficRouting`);
    }
  }
}

function validateAntiAffinity(canary: CanaryStrategy, out: IssueList): void {
  const aa = canary.antiAffinity;
  if (!aa) return;
  const preferred = aa.preferredDuringSchedulingIgnoredDuringExecution;
  const required = aa.requiredDuringSchedulingIgnoredDuringExecution;
  if ((preferred === undefined) === (required === undefined)) {
    out.error(
      [...CANARY, 'antiAffinity'],
      'set exactly one of preferredDuringSchedulingIgnoredDuringExecution or requiredDuringSchedulingIgnoredDuringExecution',
    );
  }
  if (preferred && (preferred.weight < 1 || preferred.weight > 100)) {
    out.error(
      [...CANARY, 'antiAffinity', 'preferredDuringSchedulingIgnoredDuringExecution', 'weight'],
      `weight ${preferred.weight} must be within 1..100`,
    );
  }
}

/** Templates and args of an analysis step or background analysis. */
function validateRolloutAnalysis(analysis: RolloutAnalysis, path: FieldPath, out: IssueList): void {
  const templates = analysis.templates ?? [];
  if (templates.length === 0) out.error([...path, 'templates'], 'analysis needs at least one template in templates');
  templates.forEach((t, i) => {
    if (t.templateName === '') out.error([...path, 'templates', i, 'templateName'], 'templateName must not be empty');
  });
  const seen = new Set<string>();
  (analysis.args ?? []).forEach((arg, i) => {
    if (seen.has(arg.name)) out.error([...path, 'args', i, 'name'], `arg '${arg.name}' is given twice`);
    seen.add(arg.name);
    const from = arg.valueFrom;
    const sources = from ? [from.podTemplateHashValue, from.fieldRef].filter((s) => s !== undefined).length : 0;
    if (arg.value !== undefined && from)
      out.error([...path, 'args', i], `arg '${arg.name}' sets both value and valueFrom; keep one`);
    else if (from && sources !== 1) {
      out.error(
        [...path, 'args', i, 'valueFrom'],
        `arg '${arg.name}' valueFrom must set exactly one of podTemplateHashValue, fieldRef`,
      );
    } else if (arg.value === undefined && !from) {
      out.error([...path, 'args', i], `arg '${arg.name}' needs a value or valueFrom`);
    }
  });
}

interface StepContext {
  index: number;
  canary: CanaryStrategy;
  maxWeight: number;
}

function validateStep(step: CanaryStep, ctx: StepContext, out: IssueList): void {
  const path = [...CANARY, 'steps', ctx.index];
  const set = CANARY_STEP_TYPES.filter((k) => step[k] !== undefined);
  if (set.length === 0) {
    out.error(path, `step ${ctx.index} must set exactly one of ${CANARY_STEP_TYPES.join(', ')}`);
    return;
  }
  if (set.length > 1) {
    out.error(path, `step ${ctx.index} sets more than one of ${set.join(', ')}: split it into one step each`);
    return;
  }
  const type = set[0] as CanaryStepType;
  if (!SUPPORTED_STEP_TYPES.includes(type)) {
    validateUnsupportedStep(step, type, ctx, out);
    return;
  }
  if (step.setWeight !== undefined && (step.setWeight < 0 || step.setWeight > ctx.maxWeight)) {
    out.error([...path, 'setWeight'], `setWeight ${step.setWeight} must be between 0 and ${ctx.maxWeight}`);
  }
  if (step.pause?.duration !== undefined)
    validatePauseDuration(step.pause.duration, [...path, 'pause', 'duration'], out);
  if (step.analysis) validateRolloutAnalysis(step.analysis, [...path, 'analysis'], out);
  if (step.setCanaryScale) validateSetCanaryScale(step.setCanaryScale, ctx, out);
}

function validatePauseDuration(duration: IntOrString, path: FieldPath, out: IssueList): void {
  const ms = tryParseDuration(duration, { bareNumberIsSeconds: true });
  if (ms === undefined) {
    out.error(
      path,
      `pause duration ${JSON.stringify(duration)} is not a duration: use seconds (30) or "30s", "5m", "1h"`,
    );
  } else if (ms < 0) {
    out.error(path, `pause duration ${JSON.stringify(duration)} must not be negative`);
  }
}

function validateSetCanaryScale(
  scale: NonNullable<CanaryStep['setCanaryScale']>,
  ctx: StepContext,
  out: IssueList,
): void {
  const path = [...CANARY, 'steps', ctx.index, 'setCanaryScale'];
  if (!ctx.canary.trafficRouting) out.error(path, 'setCanaryScale requires trafficRouting to be set');
  const set = [scale.weight !== undefined, scale.replicas !== undefined, scale.matchTrafficWeight === true].filter(
    Boolean,
  );
  if (set.length === 0) out.error(path, 'setCanaryScale must set one of weight, replicas, matchTrafficWeight: true');
  // Argo accepts several and takes replicas, then weight, then matchTrafficWeight; say so rather than reject.
  if (set.length > 1)
    out.warning(
      path,
      'setCanaryScale sets more than one of weight, replicas, matchTrafficWeight; replicas wins, then weight',
    );
  if (scale.weight !== undefined && (scale.weight < 0 || scale.weight > 100)) {
    out.error([...path, 'weight'], `setCanaryScale weight ${scale.weight} must be between 0 and 100`);
  }
  if (scale.replicas !== undefined && scale.replicas < 0) {
    out.error([...path, 'replicas'], `setCanaryScale replicas ${scale.replicas} must be >= 0`);
  }
}

/** Argo's own checks for these steps still run first, so an invalid step says what is wrong with it in Argo too. */
function validateUnsupportedStep(step: CanaryStep, type: CanaryStepType, ctx: StepContext, out: IssueList): void {
  const path = [...CANARY, 'steps', ctx.index, type];
  const route = step.setHeaderRoute ?? step.setMirrorRoute;
  if (route) {
    const routing = ctx.canary.trafficRouting;
    if (!routing) out.error(path, `${type} requires trafficRouting to be set`);
    else if (routing.nginx)
      out.error(path, `${type} is not supported by the nginx traffic router (Argo rejects it too)`);
    else if (!(routing.managedRoutes ?? []).some((r) => r.name === route.name)) {
      out.error([...path, 'name'], `${type} route '${route.name}' must be listed in trafficRouting.managedRoutes`);
    }
  }
  out.notSupported(path, `the ${type} step`);
}
