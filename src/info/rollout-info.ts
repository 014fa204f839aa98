import { ageSeconds } from './duration.js';
import { statusIcon } from './icons.js';
import {
  ROLLOUT_TYPE_LABEL,
  SCALE_DOWN_DEADLINE_ANNOTATION,
  hashOf,
  ownedBy,
  revisionOf,
  stepText,
  type AnalysisRun,
  type Pod,
  type ReplicaSet,
  type Rollout,
} from './objects.js';
import { parseJudgeResult } from '../analysis/judge/report/index.js';
import { judgeAlphaOf, judgeMetricInfo, providerOf } from './judge.js';
import { firstNumber, thresholdsOf } from './thresholds.js';
import type {
  AnalysisRunInfo,
  ImageInfo,
  InfoStatus,
  MeasurementInfo,
  MetricInfo,
  PodInfo,
  ReplicaSetInfo,
  ReplicaSetMarker,
  RevisionInfo,
  RolloutInfo,
  RolloutPhaseName,
  StepInfo,
} from './types.js';

/**
 * Builds the view model of one Rollout from the objects around it. Pure: the caller passes the namespace's
 * ReplicaSets, Pods and AnalysisRuns (those not owned by this Rollout are ignored) and the time `now` (ms) that
 * ages are measured at.
 */
export function toRolloutInfo(
  rollout: Rollout,
  replicaSets: readonly ReplicaSet[],
  pods: readonly Pod[],
  analysisRuns: readonly AnalysisRun[],
  now: number,
): RolloutInfo {
  const name = rollout.metadata.name ?? '';
  const status = rollout.status ?? {};
  const steps = rollout.spec.strategy.canary?.steps ?? [];
  const index = status.currentStepIndex;
  const aborted = status.abort === true;
  const { phase, message } = phaseOf(rollout);
  const ownRs = replicaSets.filter((rs) => ownedBy(rs, 'Rollout', name));
  const ownRuns = analysisRuns.filter((r) => ownedBy(r, 'Rollout', name));
  const rsInfos = ownRs.map((rs) => replicaSetInfo(rs, rollout, pods, now));
  const revisions = groupRevisions(
    rsInfos,
    ownRuns.map((r) => analysisRunInfo(r, now)),
    rollout,
  );
  const active = phase === 'Progressing' || phase === 'Paused';
  return {
    name,
    namespace: rollout.metadata.namespace ?? 'default',
    status: phase,
    icon: statusIcon(phase),
    message,
    strategy: rollout.spec.strategy.blueGreen !== undefined ? 'BlueGreen' : 'Canary',
    step: steps.length > 0 ? `${index ?? 0}/${steps.length}` : undefined,
    currentStepIndex: index,
    totalSteps: steps.length,
    setWeight: setWeightOf(rollout),
    actualWeight: actualWeightOf(rollout, rsInfos),
    images: imagesOf(rollout, rsInfos),
    replicas: {
      desired: rollout.spec.replicas ?? 1,
      current: status.replicas ?? 0,
      updated: status.updatedReplicas ?? 0,
      ready: status.readyReplicas ?? 0,
      available: status.availableReplicas ?? 0,
    },
    revisions,
    steps: steps.map((s, i): StepInfo => {
      const { type, text } = stepText(s);
      const cur = index ?? 0;
      return { index: i, type, text, state: i < cur ? 'done' : i === cur ? 'current' : 'pending' };
    }),
    aborted,
    paused: rollout.spec.paused === true || (status.pauseConditions?.length ?? 0) > 0,
    generation: rollout.metadata.generation,
    restartedAt: status.restartedAt,
    createdAt: rollout.metadata.creationTimestamp,
    ageSeconds: ageSeconds(rollout.metadata.creationTimestamp, now),
    actions: { promote: active, promoteFull: active, abort: active, retry: aborted, restart: true },
  };
}

/** The phase the controller wrote, overridden as Argo's clients do while it has not yet caught up. */
export function phaseOf(rollout: Rollout): { phase: RolloutPhaseName; message: string } {
  const status = rollout.status ?? {};
  const observed = status.observedGeneration;
  const generation = rollout.metadata.generation;
  if (observed !== undefined && generation !== undefined && observed !== String(generation)) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' };
  }
  if (status.controllerPause === true && (status.pauseConditions?.length ?? 0) === 0 && status.abort !== true) {
    if (rollout.spec.paused !== true && status.phase === 'Paused') {
      return { phase: 'Progressing', message: 'waiting for rollout to unpause' };
    }
  }
  return { phase: status.phase ?? 'Progressing', message: status.message ?? '' };
}

function setWeightOf(rollout: Rollout): number {
  const status = rollout.status ?? {};
  if (status.abort === true) return 0;
  const steps = rollout.spec.strategy.canary?.steps ?? [];
  const index = status.currentStepIndex ?? 0;
  if (steps.length === 0 || index >= steps.length) return 100;
  for (let i = index; i >= 0; i--) {
    const w = steps[i]?.setWeight;
    if (w !== undefined) return w;
  }
  return 0;
}

function actualWeightOf(rollout: Rollout, replicaSets: ReplicaSetInfo[]): number {
  const status = rollout.status ?? {};
  // Fully promoted: every request reaches the current revision, whatever the canary route still says.
  if (status.currentPodHash !== undefined && status.currentPodHash === status.stableRS) return 100;
  if (rollout.spec.strategy.canary?.trafficRouting !== undefined) return status.canary?.weights?.canary.weight ?? 0;
  const total = replicaSets.reduce((n, rs) => n + rs.replicas.available, 0);
  if (total === 0) return 0;
  const canary = replicaSets
    .filter((rs) => rs.markers.includes('canary'))
    .reduce((n, rs) => n + rs.replicas.available, 0);
  return Math.round((canary * 100) / total);
}

function imagesOf(rollout: Rollout, replicaSets: ReplicaSetInfo[]): ImageInfo[] {
  const byImage = new Map<string, Set<'stable' | 'canary'>>();
  for (const rs of replicaSets) {
    const tags = rs.markers.filter((m): m is 'stable' | 'canary' => m !== 'old');
    if (tags.length === 0) continue;
    for (const image of rs.images) {
      const set = byImage.get(image) ?? new Set();
      tags.forEach((t) => set.add(t));
      byImage.set(image, set);
    }
  }
  if (byImage.size === 0) {
    for (const c of rollout.spec.template?.spec.containers ?? []) {
      if (c.image !== undefined) byImage.set(c.image, new Set());
    }
  }
  return [...byImage].map(([image, tags]) => ({
    image,
    tags: (['canary', 'stable'] as const).filter((t) => tags.has(t)),
  }));
}

function markersOf(rs: ReplicaSet, rollout: Rollout): ReplicaSetMarker[] {
  const hash = hashOf(rs);
  const status = rollout.status ?? {};
  if (hash !== '' && hash === status.stableRS) return ['stable'];
  if (hash !== '' && hash === status.currentPodHash) return ['canary'];
  return ['old'];
}

function replicaSetInfo(rs: ReplicaSet, rollout: Rollout, pods: readonly Pod[], now: number): ReplicaSetInfo {
  const name = rs.metadata.name ?? '';
  const desired = rs.spec.replicas ?? 0;
  const current = rs.status?.replicas ?? 0;
  const available = rs.status?.availableReplicas ?? 0;
  let status: InfoStatus;
  if (rs.status?.conditions?.some((c) => c.type === 'ReplicaFailure' && c.status === 'True') === true) {
    status = 'Degraded';
  } else if (desired === 0) {
    status = current === 0 ? 'ScaledDown' : 'Progressing';
  } else {
    status = available >= desired ? 'Healthy' : 'Progressing';
  }
  const own = pods.filter((p) => ownedBy(p, 'ReplicaSet', name)).sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  return {
    name,
    hash: hashOf(rs),
    revision: revisionOf(rs),
    status,
    icon: statusIcon(status),
    markers: markersOf(rs, rollout),
    replicas: { desired, current, ready: rs.status?.readyReplicas ?? 0, available },
    images: rs.spec.template.spec.containers.flatMap((c) => (c.image === undefined ? [] : [c.image])),
    scaleDownDelay: delayOf(rs, now),
    createdAt: rs.metadata.creationTimestamp,
    ageSeconds: ageSeconds(rs.metadata.creationTimestamp, now),
    pods: own.map((p) => podInfo(p, now)),
  };
}

function delayOf(rs: ReplicaSet, now: number): string | undefined {
  const deadline = rs.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION];
  if (deadline === undefined || deadline === '') return undefined;
  const t = Date.parse(deadline);
  if (Number.isNaN(t)) return undefined;
  const left = Math.ceil((t - now) / 1000);
  return left > 0 ? `delay:${left}s` : 'delay:passed';
}

function nameOf(o: { metadata: { name?: string } }): string {
  return o.metadata.name ?? '';
}

function podInfo(pod: Pod, now: number): PodInfo {
  const containers = pod.spec.containers.length;
  const statuses = pod.status?.containerStatuses ?? [];
  const podReady = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const ready = statuses.length > 0 ? statuses.filter((s) => s.ready === true).length : podReady ? containers : 0;
  const status = podStatusOf(pod, podReady);
  return {
    name: nameOf(pod),
    status,
    icon: statusIcon(status),
    ready: `${ready}/${containers}`,
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    createdAt: pod.metadata.creationTimestamp,
    ageSeconds: ageSeconds(pod.metadata.creationTimestamp, now),
  };
}

function podStatusOf(pod: Pod, ready: boolean): InfoStatus {
  if (pod.metadata.deletionTimestamp !== undefined) return 'Terminating';
  const waiting = (pod.status?.containerStatuses ?? []).some((s) => {
    const reason = (s.state as { waiting?: { reason?: string } } | undefined)?.waiting?.reason ?? '';
    return /BackOff|Err|Invalid/.test(reason);
  });
  if (waiting) return 'Error';
  switch (pod.status?.phase) {
    case 'Running':
      return ready ? 'Running' : 'Progressing';
    case 'Succeeded':
      return 'Successful';
    case 'Failed':
      return 'Failed';
    case 'Pending':
      return 'Pending';
    case 'Unknown':
    case undefined:
      return 'Unknown';
  }
}

const ANALYSIS_STATUSES = new Set<string>(['Successful', 'Failed', 'Error', 'Inconclusive', 'Running', 'Pending']);

function analysisStatusOf(phase: string | undefined): InfoStatus {
  return phase !== undefined && ANALYSIS_STATUSES.has(phase) ? (phase as InfoStatus) : 'Pending';
}

function analysisRunInfo(run: AnalysisRun, now: number): AnalysisRunInfo {
  const status = analysisStatusOf(run.status?.phase);
  const results = run.status?.metricResults ?? [];
  const metrics = run.spec.metrics.map((m): MetricInfo => {
    const r = results.find((x) => x.name === m.name);
    const provider = providerOf(m);
    const isJudge = provider === 'judge';
    const measurements = (r?.measurements ?? []).map((x): MeasurementInfo => {
      const judge = isJudge ? parseJudgeResult(x.value) : undefined;
      return {
        phase: x.phase,
        value: x.value,
        number: judge?.eValue ?? firstNumber(x.value),
        startedAt: x.startedAt,
        finishedAt: x.finishedAt,
        message: x.message,
        ...(judge === undefined ? {} : { judge }),
      };
    });
    return {
      name: m.name,
      phase: r?.phase ?? 'Pending',
      message: r?.message,
      successCondition: m.successCondition,
      failureCondition: m.failureCondition,
      failureLimit: m.failureLimit === undefined ? undefined : String(m.failureLimit),
      interval: m.interval,
      count: m.count === undefined ? undefined : String(m.count),
      thresholds: [...thresholdsOf(m.successCondition, 'success'), ...thresholdsOf(m.failureCondition, 'failure')],
      measurements,
      successful: r?.successful ?? 0,
      failed: r?.failed ?? 0,
      inconclusive: r?.inconclusive ?? 0,
      error: r?.error ?? 0,
      dryRun: r?.dryRun === true,
      ...(provider === undefined ? {} : { provider }),
      ...(isJudge ? { judge: judgeMetricInfo(measurements, judgeAlphaOf(m, run.spec.args), r?.measurements) } : {}),
    };
  });
  const sum = (k: 'successful' | 'failed' | 'inconclusive' | 'error'): number => metrics.reduce((n, m) => n + m[k], 0);
  return {
    name: nameOf(run),
    revision: revisionOf(run),
    type: run.metadata.labels?.[ROLLOUT_TYPE_LABEL],
    status,
    // A running analysis is in progress, not "OK" as a running pod is.
    icon: status === 'Running' ? statusIcon('Progressing') : statusIcon(status),
    message: run.status?.message,
    createdAt: run.metadata.creationTimestamp,
    ageSeconds: ageSeconds(run.metadata.creationTimestamp, now),
    successful: sum('successful'),
    failed: sum('failed'),
    inconclusive: sum('inconclusive'),
    error: sum('error'),
    metrics,
  };
}

function groupRevisions(replicaSets: ReplicaSetInfo[], runs: AnalysisRunInfo[], rollout: Rollout): RevisionInfo[] {
  const numbers = new Set<number>([...replicaSets.map((r) => r.revision), ...runs.map((r) => r.revision)]);
  const status = rollout.status ?? {};
  return [...numbers]
    .sort((a, b) => b - a)
    .map((revision) => {
      const rs = replicaSets.filter((r) => r.revision === revision).sort((a, b) => a.name.localeCompare(b.name));
      return {
        revision,
        replicaSets: rs,
        analysisRuns: runs
          .filter((r) => r.revision === revision)
          .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.name.localeCompare(b.name)),
        current: rs.some((r) => r.hash !== '' && r.hash === status.currentPodHash),
        stable: rs.some((r) => r.hash !== '' && r.hash === status.stableRS),
      };
    });
}
