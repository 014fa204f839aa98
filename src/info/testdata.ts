import type { AnalysisRun, CanaryStep, Pod, ReplicaSet, Rollout } from '../api/index.js';

/**
 * Hand-made clusters in the four phases, for view-model and renderer tests (snapshots must not move when the
 * engine changes, so these are fixed objects, not simulation output). Every time is relative to NOW.
 */
export const NOW = Date.parse('2026-03-01T12:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString();

const IMAGE = 'ghcr.io/example/sample-app';
const STEPS: CanaryStep[] = [
  { setWeight: 25 },
  { pause: {} },
  { setWeight: 50 },
  { pause: { duration: '5m' } },
  { setWeight: 75 },
  { pause: { duration: 30 } },
];

export type Scenario = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded';

export interface Cluster {
  rollout: Rollout;
  replicaSets: ReplicaSet[];
  pods: Pod[];
  analysisRuns: AnalysisRun[];
}

interface RsShape {
  hash: string;
  revision: number;
  tag: string;
  replicas: number;
  ready: number;
  age: number;
}

function replicaSet({ hash, revision, tag, replicas, ready, age }: RsShape): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `sample-app-${hash}`,
      namespace: 'demo',
      creationTimestamp: ago(age),
      labels: { app: 'sample-app', 'rollouts-pod-template-hash': hash },
      annotations: { 'rollout.argoproj.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'sample-app', uid: 'u1' }],
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'sample-app' } },
      template: {
        metadata: { labels: { app: 'sample-app' } },
        spec: { containers: [{ name: 'app', image: `${IMAGE}:${tag}` }] },
      },
    },
    status: { replicas, readyReplicas: ready, availableReplicas: ready },
  };
}

function pod(rs: ReplicaSet, suffix: string, ready: boolean, age: number, restarts = 0): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name ?? ''}-${suffix}`,
      namespace: 'demo',
      creationTimestamp: ago(age),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name ?? '', uid: 'u2' }],
    },
    spec: { containers: [{ name: 'app' }] },
    status: {
      phase: ready ? 'Running' : 'Pending',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'app', ready, restartCount: restarts }],
    },
  };
}

function analysisRun(phase: 'Running' | 'Failed' | 'Successful', values: string[], age: number): AnalysisRun {
  const failed = phase === 'Failed' ? 1 : 0;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name: 'sample-app-7d9f8c6b5-2-2',
      namespace: 'demo',
      creationTimestamp: ago(age),
      labels: { 'rollout-type': 'Background' },
      annotations: { 'rollout.argoproj.io/revision': '2' },
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'sample-app', uid: 'u1' }],
    },
    spec: {
      metrics: [
        {
          name: 'success-share',
          interval: '1m',
          successCondition: 'len(result) == 0 || result[0] >= 0.99',
          failureLimit: 0,
          provider: { prometheus: { address: 'http://127.0.0.1:9090', query: 'up' } },
        },
      ],
    },
    status: {
      phase,
      ...(phase === 'Failed'
        ? { message: 'Metric "success-share" assessed Failed due to failed (1) > failureLimit (0)' }
        : {}),
      metricResults: [
        {
          name: 'success-share',
          phase,
          count: values.length,
          successful: values.length - failed,
          failed,
          measurements: values.map((v, i) => ({
            phase: i === values.length - 1 && failed === 1 ? ('Failed' as const) : ('Successful' as const),
            value: `[${v}]`,
            startedAt: ago(age - 60 * i),
            finishedAt: ago(age - 60 * i),
          })),
        },
      ],
    },
  };
}

function rollout(status: NonNullable<Rollout['status']>, paused = false): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'sample-app', namespace: 'demo', generation: 2, creationTimestamp: ago(3600) },
    spec: {
      replicas: 4,
      paused,
      selector: { matchLabels: { app: 'sample-app' } },
      template: {
        metadata: { labels: { app: 'sample-app' } },
        spec: { containers: [{ name: 'app', image: `${IMAGE}:2.0.0` }] },
      },
      strategy: {
        canary: {
          canaryService: 'sample-app-canary',
          stableService: 'sample-app',
          trafficRouting: { nginx: { stableIngress: 'sample-app' } },
          analysis: { templates: [{ templateName: 'success-share' }], startingStep: 2 },
          steps: STEPS,
        },
      },
    },
    status: { observedGeneration: '2', stableRS: '5f6c7d8e9', ...status },
  };
}

/** One cluster per phase: v1 stable (`5f6c7d8e9`), v2 canary (`7d9f8c6b5`). */
export function cluster(scenario: Scenario): Cluster {
  const stable = replicaSet({ hash: '5f6c7d8e9', revision: 1, tag: '1.0.0', replicas: 4, ready: 4, age: 3600 });
  const stablePods = ['x7k2p', 'm4q9z', 'b8n3w', 'c5v1r'].map((s) => pod(stable, s, true, 3600));
  switch (scenario) {
    case 'Healthy': {
      const rs = replicaSet({ hash: '7d9f8c6b5', revision: 2, tag: '2.0.0', replicas: 4, ready: 4, age: 900 });
      const old = replicaSet({ hash: '5f6c7d8e9', revision: 1, tag: '1.0.0', replicas: 0, ready: 0, age: 3600 });
      return {
        rollout: rollout({
          phase: 'Healthy',
          stableRS: '7d9f8c6b5',
          currentPodHash: '7d9f8c6b5',
          currentStepIndex: 6,
          replicas: 4,
          updatedReplicas: 4,
          readyReplicas: 4,
          availableReplicas: 4,
          canary: { weights: { canary: { weight: 0 }, stable: { weight: 100 } } },
        }),
        replicaSets: [old, rs],
        pods: ['h2j4k', 'p9l3s', 'q1w2e', 'r5t6y'].map((s) => pod(rs, s, true, 880)),
        analysisRuns: [analysisRun('Successful', ['1', '0.998', '1'], 600)],
      };
    }
    case 'Progressing': {
      const rs = replicaSet({ hash: '7d9f8c6b5', revision: 2, tag: '2.0.0', replicas: 2, ready: 1, age: 90 });
      return {
        rollout: rollout({
          phase: 'Progressing',
          message: 'more replicas need to be updated',
          currentPodHash: '7d9f8c6b5',
          currentStepIndex: 2,
          replicas: 6,
          updatedReplicas: 1,
          readyReplicas: 5,
          availableReplicas: 5,
          canary: { weights: { canary: { weight: 25 }, stable: { weight: 75 } } },
        }),
        replicaSets: [stable, rs],
        pods: [...stablePods, pod(rs, 'a1s2d', true, 85), pod(rs, 'f3g4h', false, 20)],
        analysisRuns: [analysisRun('Running', ['1'], 60)],
      };
    }
    case 'Paused': {
      const rs = replicaSet({ hash: '7d9f8c6b5', revision: 2, tag: '2.0.0', replicas: 1, ready: 1, age: 300 });
      return {
        rollout: rollout({
          phase: 'Paused',
          message: 'CanaryPauseStep',
          currentPodHash: '7d9f8c6b5',
          currentStepIndex: 1,
          pauseConditions: [{ reason: 'CanaryPauseStep', startTime: ago(240) }],
          controllerPause: true,
          replicas: 5,
          updatedReplicas: 1,
          readyReplicas: 5,
          availableReplicas: 5,
          canary: { weights: { canary: { weight: 25 }, stable: { weight: 75 } } },
        }),
        replicaSets: [stable, rs],
        pods: [...stablePods, pod(rs, 'z8x7c', true, 290, 1)],
        analysisRuns: [],
      };
    }
    case 'Degraded': {
      const rs = replicaSet({ hash: '7d9f8c6b5', revision: 2, tag: '2.0.0', replicas: 0, ready: 0, age: 600 });
      rs.metadata.annotations = { ...rs.metadata.annotations, 'scale-down-deadline': ago(-12) };
      return {
        rollout: rollout({
          phase: 'Degraded',
          message:
            'RolloutAborted: Rollout aborted update to revision 2: Background analysis phase error/failed: Metric "success-share" assessed Failed due to failed (1) > failureLimit (0)',
          abort: true,
          abortedAt: ago(120),
          currentPodHash: '7d9f8c6b5',
          currentStepIndex: 0,
          replicas: 4,
          updatedReplicas: 0,
          readyReplicas: 4,
          availableReplicas: 4,
          canary: { weights: { canary: { weight: 0 }, stable: { weight: 100 } } },
        }),
        replicaSets: [stable, rs],
        pods: stablePods,
        analysisRuns: [analysisRun('Failed', ['1', '0.995', '0.42'], 420)],
      };
    }
  }
}
