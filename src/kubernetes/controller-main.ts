import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AnalysisRun, AnalysisTemplate, KubeObject, Rollout } from '../api/index.js';
import { PrometheusProvider, ProviderRegistry, WebProvider } from '../analysis/providers/index.js';
import { AnalysisRunController } from '../controller/analysis/index.js';
import { RolloutController } from '../controller/rollout/index.js';
import { realClock, type Clock, type ReconcileReport } from '../controller/runtime/index.js';
import type { ResourceStore } from '../store/index.js';
import { createKubernetesStore, type CreateKubernetesStoreOptions } from './store.js';
import { DEFAULT_INSTANCE_ID, withInstanceId } from './instance.js';
import { KubernetesJobProvider } from './job-provider.js';
import { LeaderElector, type LeaderElectorOptions } from './leader.js';
import { ControllerMetrics, startMetricsServer, type MetricsSnapshot } from './metrics.js';

export interface ControllerMainOptions extends CreateKubernetesStoreOptions {
  /** Use this store instead of connecting with the kubeconfig (tests). */
  store?: ResourceStore;
  /** `/metrics` port; default 8090; 0 picks a free one; -1 serves no metrics. */
  metricsPort?: number;
  metricsHost?: string;
  /** Campaign for a Lease and act only while holding it (run two replicas). */
  leaderElect?: boolean;
  /** Namespace of the Lease; default $POD_NAMESPACE, else the scope namespace, else "default". */
  leaseNamespace?: string;
  /** Default "kanary-controller". */
  leaseName?: string;
  /** Default $POD_NAME, else hostname plus a random suffix. */
  identity?: string;
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
  /**
   * Acts only on Rollouts (and AnalysisRuns) labelled `argo-rollouts.argoproj.io/controller-instance-id: <id>`;
   * default "kanary". The empty string turns the filter off: Kanary then acts on every Rollout (no Argo installed).
   */
  instanceId?: string;
  /** Run the AnalysisRun controller here; default true (tests that stand in for it turn it off). */
  runAnalysis?: boolean;
  /** Analysis providers; default Prometheus, web, and job (batch/v1 Jobs in the run's namespace). */
  providers?: ProviderRegistry;
  clock?: Clock;
  version?: string;
  log?: (line: string) => void;
}

export interface RunningController {
  /** The store the controllers use (instance-filtered). */
  readonly store: ResourceStore;
  readonly metrics: ControllerMetrics;
  /** The port `/metrics` listens on, or undefined when metrics are off. */
  readonly metricsPort: number | undefined;
  /** Whether the Rollout and AnalysisRun controllers are running in this replica now. */
  isActing(): boolean;
  /** Waits until the acting controllers have nothing queued (tests). */
  waitIdle(): Promise<void>;
  /** Stops the controllers, releases the Lease, closes the metrics server and the store. */
  stop(): Promise<void>;
}

/**
 * Kubernetes mode: the Rollout and AnalysisRun controllers over a KubernetesStore, with optional leader election
 * and Prometheus metrics. There is no ReplicaSet controller and no supervisor here: kube-controller-manager and
 * kubelet realise ReplicaSets and Pods, ingress-nginx serves the canary Ingress.
 */
export async function startController(options: ControllerMainOptions = {}): Promise<RunningController> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = options.clock ?? realClock;
  const base = options.store ?? createKubernetesStore(options);
  const instanceId = options.instanceId ?? DEFAULT_INSTANCE_ID;
  const store = instanceId === '' ? base : withInstanceId(base, instanceId);
  const metrics = new ControllerMetrics(options.version);
  const providers =
    options.providers ??
    new ProviderRegistry()
      .register(new PrometheusProvider())
      .register(new WebProvider())
      .register(new KubernetesJobProvider({ store: base }));
  const observe = (report: ReconcileReport): void => {
    metrics.observe(report);
    if (report.outcome === 'error') log(`${report.controller} ${report.key}: ${report.error?.message ?? 'error'}`);
  };

  let acting: { rollouts: RolloutController; analysis: AnalysisRunController | undefined } | undefined;
  let transition: Promise<void> = Promise.resolve();
  const scope = options.namespace === undefined ? {} : { namespace: options.namespace };
  const act = (): Promise<void> =>
    (transition = transition.then(async () => {
      if (acting) return;
      const rollouts = new RolloutController({ store, clock, onReconcile: observe, ...scope });
      const analysis =
        options.runAnalysis === false
          ? undefined
          : new AnalysisRunController({ store, clock, providers, onReconcile: observe, ...scope });
      acting = { rollouts, analysis };
      await Promise.all([rollouts.start(), analysis?.start()]);
      log(
        `kanary controller: acting on ${options.namespace ?? 'all namespaces'}${instanceId === '' ? '' : ` (instance id ${instanceId})`}`,
      );
    }));
  const standDown = (): Promise<void> =>
    (transition = transition.then(async () => {
      if (!acting) return;
      const { rollouts, analysis } = acting;
      acting = undefined;
      await Promise.all([rollouts.stop(), analysis?.stop()]);
      log('kanary controller: stopped acting');
    }));

  let elector: LeaderElector | undefined;
  if (options.leaderElect === true) {
    elector = new LeaderElector({
      ...leaseOptions(options),
      store: base,
      clock,
      onStartedLeading: () => {
        log(`kanary controller: ${elector?.identity ?? ''} became the leader`);
        return act();
      },
      onStoppedLeading: () => standDown(),
      onError: (err) => log(`leader election: ${err.message}`),
    });
    elector.start();
  } else {
    await act();
  }

  let server: { port: number; close: () => Promise<void> } | undefined;
  const port = options.metricsPort ?? 8090;
  if (port >= 0) {
    server = await startMetricsServer({
      port,
      ...(options.metricsHost === undefined ? {} : { host: options.metricsHost }),
      metrics,
      snapshot: () => snapshotOf(store, options.namespace),
    });
  }

  return {
    store,
    metrics,
    metricsPort: server?.port,
    isActing: () => acting !== undefined,
    async waitIdle() {
      await transition;
      const now = acting;
      if (now) await Promise.all([now.rollouts.waitIdle(), now.analysis?.waitIdle()]);
    },
    async stop() {
      if (elector) await elector.stop();
      await standDown();
      await server?.close();
      await base.close();
    },
  };
}

/** The Lease coordinates of this replica, from the options or the pod's downward-API environment. */
function leaseOptions(
  options: ControllerMainOptions,
): Pick<
  LeaderElectorOptions,
  'namespace' | 'name' | 'identity' | 'leaseDurationSeconds' | 'renewDeadlineSeconds' | 'retryPeriodSeconds'
> {
  return {
    namespace: options.leaseNamespace ?? process.env.POD_NAMESPACE ?? options.namespace ?? 'default',
    name: options.leaseName ?? 'kanary-controller',
    identity: options.identity ?? process.env.POD_NAME ?? `${hostname()}_${randomBytes(4).toString('hex')}`,
    ...(options.leaseDurationSeconds === undefined ? {} : { leaseDurationSeconds: options.leaseDurationSeconds }),
    ...(options.renewDeadlineSeconds === undefined ? {} : { renewDeadlineSeconds: options.renewDeadlineSeconds }),
    ...(options.retryPeriodSeconds === undefined ? {} : { retryPeriodSeconds: options.retryPeriodSeconds }),
  };
}

async function snapshotOf(store: ResourceStore, namespace: string | undefined): Promise<MetricsSnapshot> {
  const ns = namespace === undefined ? {} : { namespace };
  const [rollouts, analysisRuns, analysisTemplates, clusterAnalysisTemplates, events] = await Promise.all([
    store.list<Rollout>('Rollout', ns),
    store.list<AnalysisRun>('AnalysisRun', ns),
    store.list<AnalysisTemplate>('AnalysisTemplate', ns),
    store.list<AnalysisTemplate>('ClusterAnalysisTemplate'),
    store.list<KubeObject>('Event', ns),
  ]);
  return {
    rollouts: rollouts.items,
    analysisRuns: analysisRuns.items,
    analysisTemplates: analysisTemplates.items,
    clusterAnalysisTemplates: clusterAnalysisTemplates.items,
    events: events.items,
  };
}
