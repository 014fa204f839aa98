import type { AnalysisRun, CanaryStep, Pod, ReplicaSet, Rollout } from '../api/index.js';

/**
 * The spellings the controller writes (Argo's), repeated here so that this module stays free of runtime imports
 * and can be bundled into the dashboard.
 */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';
export const SCALE_DOWN_DEADLINE_ANNOTATION = 'scale-down-deadline';
export const ROLLOUT_TYPE_LABEL = 'rollout-type';

export type { AnalysisRun, CanaryStep, Pod, ReplicaSet, Rollout };

export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const raw = obj.metadata.annotations?.[REVISION_ANNOTATION];
  const n = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isFinite(n) ? n : 0;
}

export function hashOf(rs: ReplicaSet): string {
  return rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
}

export function ownedBy(
  obj: { metadata: { ownerReferences?: { kind: string; name: string }[] } },
  kind: string,
  name: string,
): boolean {
  return obj.metadata.ownerReferences?.some((o) => o.kind === kind && o.name === name) ?? false;
}

/** How Argo names a step in its CLI and dashboard. */
export function stepText(step: CanaryStep): { type: string; text: string } {
  if (step.setWeight !== undefined) return { type: 'setWeight', text: `setWeight: ${step.setWeight}` };
  if (step.pause !== undefined) {
    const d = step.pause.duration;
    return { type: 'pause', text: d === undefined ? 'pause' : `pause: ${typeof d === 'number' ? `${d}s` : d}` };
  }
  if (step.analysis !== undefined) {
    const names = (step.analysis.templates ?? []).map((t) => t.templateName).join(', ');
    return { type: 'analysis', text: names === '' ? 'analysis' : `analysis: ${names}` };
  }
  if (step.setCanaryScale !== undefined) {
    const s = step.setCanaryScale;
    const what =
      s.replicas !== undefined
        ? `replicas: ${s.replicas}`
        : s.weight !== undefined
          ? `weight: ${s.weight}`
          : 'matchTrafficWeight';
    return { type: 'setCanaryScale', text: `setCanaryScale: ${what}` };
  }
  if (step.setHeaderRoute !== undefined)
    return { type: 'setHeaderRoute', text: `setHeaderRoute: ${step.setHeaderRoute.name}` };
  if (step.setMirrorRoute !== undefined)
    return { type: 'setMirrorRoute', text: `setMirrorRoute: ${step.setMirrorRoute.name}` };
  if (step.experiment !== undefined) return { type: 'experiment', text: 'experiment' };
  if (step.plugin !== undefined) return { type: 'plugin', text: `plugin: ${step.plugin.name}` };
  return { type: 'unknown', text: 'unknown' };
}
