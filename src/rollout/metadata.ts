import type { PodMetadata, ReplicaSet } from '../api/index.js';
import { POD_TEMPLATE_HASH_LABEL } from './constants.js';
import { hashOf, isFullyPromoted, isInitialDeploy, newRS, patch, stableRS, type Context } from './context.js';

/**
 * Ephemeral metadata: `canaryMetadata` / `stableMetadata` labels and annotations sit on pods only while they hold
 * that role. They are kept in the ReplicaSet's pod template (so new pods get them) and patched onto existing pods
 * when the role changes (a canary promoted to stable trades `deployment: canary` for `deployment: stable`).
 */

export type Role = 'canary' | 'stable';

export function roleMetadata(ctx: Context, role: Role): PodMetadata {
  return (role === 'canary' ? ctx.canary.canaryMetadata : ctx.canary.stableMetadata) ?? {};
}

/** A merge patch that removes the other role's keys and sets this role's values; undefined when nothing differs. */
function rolePatch(
  current: Record<string, string> | undefined,
  want: Record<string, string> | undefined,
  other: Record<string, string> | undefined,
): Record<string, string | null> | undefined {
  const out: Record<string, string | null> = {};
  for (const key of Object.keys(other ?? {})) {
    if (want?.[key] === undefined && current?.[key] !== undefined) out[key] = null;
  }
  for (const [key, value] of Object.entries(want ?? {})) {
    if (current?.[key] !== value) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function metadataPatch(
  meta: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined,
  want: PodMetadata,
  other: PodMetadata,
): Record<string, unknown> | undefined {
  const labels = rolePatch(meta?.labels, want.labels, other.labels);
  const annotations = rolePatch(meta?.annotations, want.annotations, other.annotations);
  if (!labels && !annotations) return undefined;
  return { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
}

function syncRole(ctx: Context, rs: ReplicaSet, role: Role): void {
  const want = roleMetadata(ctx, role);
  const other = roleMetadata(ctx, role === 'canary' ? 'stable' : 'canary');
  const name = rs.metadata.name ?? '';
  const templatePatch = metadataPatch(rs.spec.template.metadata, want, other);
  if (templatePatch) patch(ctx, 'ReplicaSet', name, { spec: { template: { metadata: templatePatch } } });
  const hash = hashOf(rs);
  for (const pod of ctx.observed.pods) {
    if (pod.metadata.deletionTimestamp !== undefined) continue;
    const owned = pod.metadata.ownerReferences?.some((o) => o.kind === 'ReplicaSet' && o.name === name);
    if (!owned && pod.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] !== hash) continue;
    const podPatch = metadataPatch(pod.metadata, want, other);
    if (podPatch) patch(ctx, 'Pod', pod.metadata.name ?? '', { metadata: podPatch });
  }
}

export function syncEphemeralMetadata(ctx: Context): void {
  if (!ctx.canary.canaryMetadata && !ctx.canary.stableMetadata) return;
  const stable = stableRS(ctx);
  if (stable) syncRole(ctx, stable, 'stable');
  const fresh = newRS(ctx);
  if (fresh && fresh !== stable && !isFullyPromoted(ctx) && !isInitialDeploy(ctx)) syncRole(ctx, fresh, 'canary');
}
