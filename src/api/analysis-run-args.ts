import type { Argument } from './analysis.js';
import type { ObjectFieldSelector, SecretKeySelector } from './common.js';
import type { RunBuildResult } from './analysis-run-problems.js';

/**
 * The args of an AnalysisRun built from templates, as Argo joins and merges them (`flattenArgs`, `MergeArgs`, and
 * for a Rollout `BuildArgumentsForRolloutAnalysisRun`). Pure: the Rollout's observations come in as `ArgSources`.
 */

/** An arg given to the run from outside the templates: a Rollout's analysis arg, or `--arg` of `kanary analyze`. */
export interface IncomingArg {
  name: string;
  value?: string;
  valueFrom?: {
    podTemplateHashValue?: 'Stable' | 'Latest';
    fieldRef?: ObjectFieldSelector;
    secretKeyRef?: SecretKeySelector;
  };
}

/**
 * What a Rollout's `valueFrom` reads. Given, incoming args are resolved to plain values as Argo's Rollout
 * controller does; without it, an incoming `valueFrom` is carried into the run as it is (Argo's `MergeArgs`).
 */
export interface ArgSources {
  /** `rollouts-pod-template-hash` of the stable ReplicaSet, if there is one. */
  stablePodHash?: string;
  /** `rollouts-pod-template-hash` of the new ReplicaSet. */
  latestPodHash?: string;
  /** The object `fieldRef.fieldPath` is read from (the Rollout). */
  fieldRoot: unknown;
}

const DOWNWARD_MAP = /^metadata\.(labels|annotations)\[/;

/**
 * A `fieldRef.fieldPath` read from `root`: a downward-API path (`metadata.name`, `metadata.labels['x']`, where a
 * missing label or annotation reads as "" as in Kubernetes) or any dotted path into the object. Undefined when the
 * path names nothing or names an object or list rather than one value (Argo: "invalid path ... in rollout").
 */
export function fieldPathValue(root: unknown, path: string): string | undefined {
  let cur: unknown = root;
  for (const part of path.match(/[^.[\]'"]+/g) ?? []) {
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  }
  if (cur === undefined && DOWNWARD_MAP.test(path)) return '';
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return undefined;
}

/**
 * The args of several templates as one list (Argo's `flattenArgs`): a repeated name keeps the first value; an arg
 * without a value takes a later one's; two different values are a conflict.
 */
export function joinTemplateArgs(args: readonly Argument[]): RunBuildResult<Argument[]> {
  const out: Argument[] = [];
  for (const arg of args) {
    const i = out.findIndex((a) => a.name === arg.name);
    const prev = i < 0 ? undefined : out[i];
    if (prev === undefined) {
      out.push(structuredClone(arg));
    } else if (prev.value === undefined) {
      out[i] = structuredClone(arg);
    } else if (arg.value !== undefined && arg.value !== prev.value) {
      return { ok: false, problem: { code: 'conflicting-arg', arg: arg.name, values: [prev.value, arg.value] } };
    }
  }
  return { ok: true, value: out };
}

/** The value an incoming arg gives, resolved against `sources`; undefined when it gives none. */
function incomingValue(arg: IncomingArg, sources: ArgSources | undefined): RunBuildResult<Argument | undefined> {
  if (arg.value !== undefined) return { ok: true, value: { name: arg.name, value: arg.value } };
  const { podTemplateHashValue, fieldRef, secretKeyRef } = arg.valueFrom ?? {};
  if (sources !== undefined && podTemplateHashValue !== undefined) {
    const hash = podTemplateHashValue === 'Stable' ? sources.stablePodHash : sources.latestPodHash;
    return { ok: true, value: hash === undefined ? undefined : { name: arg.name, value: hash } };
  }
  if (sources !== undefined && fieldRef !== undefined) {
    const value = fieldPathValue(sources.fieldRoot, fieldRef.fieldPath);
    if (value === undefined) {
      return { ok: false, problem: { code: 'unresolvable-field', arg: arg.name, fieldPath: fieldRef.fieldPath } };
    }
    return { ok: true, value: { name: arg.name, value } };
  }
  if (secretKeyRef === undefined && fieldRef === undefined) return { ok: true, value: undefined };
  const valueFrom = structuredClone({ ...(secretKeyRef && { secretKeyRef }), ...(fieldRef && { fieldRef }) });
  return { ok: true, value: { name: arg.name, valueFrom } };
}

/**
 * Argo's `MergeArgs`: an incoming arg replaces the template arg of its name (incoming args no template declares are
 * dropped); a template arg left with neither value nor valueFrom is unresolved.
 */
export function mergeRunArgs(
  templateArgs: readonly Argument[],
  incoming: readonly IncomingArg[],
  sources?: ArgSources,
): RunBuildResult<Argument[]> {
  const out: Argument[] = [];
  for (const arg of templateArgs) {
    const given = incoming.find((a) => a.name === arg.name);
    const override = given === undefined ? { ok: true as const, value: undefined } : incomingValue(given, sources);
    if (!override.ok) return override;
    const merged = override.value ?? arg;
    if (merged.value === undefined && merged.valueFrom === undefined) {
      return { ok: false, problem: { code: 'unresolved-arg', arg: arg.name } };
    }
    out.push(merged);
  }
  return { ok: true, value: out };
}
