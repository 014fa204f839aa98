import type { ImageMap } from '../images/index.js';
import { ContainerRunner, type ContainerEvent, type ContainerHost } from './container.js';
import type { ConfigMapLookup, SecretLookup } from './env.js';
import { containerLogPath } from './logs.js';
import { allReady, buildPodStatus } from './pod-status.js';
import type { ObservedContainerStatus, Pod, PodStatus } from './pod-types.js';
import type { PodRecord } from './records.js';
import { rfc3339, type SupervisorTiming } from './timing.js';

/** What every pod runner shares: the supervisor's configuration and its reporting hooks. */
export interface PodRunnerDeps {
  images: ImageMap;
  secrets: SecretLookup | undefined;
  configMaps: ConfigMapLookup | undefined;
  nodeName: string;
  baseEnv: Readonly<Record<string, string>>;
  workingDir: string;
  logsDir: string;
  timing: SupervisorTiming;
  now(): number;
  /** Saves the pod's record after a change, so a later supervisor can re-adopt its processes. */
  persist(record: PodRecord): void;
  report(runner: PodRunner, status: PodStatus): void;
  event(runner: PodRunner, container: string, event: ContainerEvent): void;
}

/** One pod: its address, its containers, its Ready bookkeeping and its status reports. */
export class PodRunner {
  readonly key: string;
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly containers: ContainerRunner[];
  private current: Pod;
  private readySince: string;
  private containersReadySince: string;
  private readonly scheduledAt: string;
  private readonly startTime: string;
  private wasReady = false;
  private lastReport = '';
  private muted = false;
  private stopping: Promise<void> | undefined;

  constructor(
    pod: Pod,
    readonly podIP: string,
    private readonly deps: PodRunnerDeps,
  ) {
    this.current = pod;
    this.namespace = pod.metadata.namespace ?? 'default';
    this.name = pod.metadata.name ?? '';
    this.key = `${this.namespace}/${this.name}`;
    this.uid = pod.metadata.uid ?? '';
    const now = rfc3339(deps.now());
    // A re-adopted pod keeps its conditions' times: readiness did not change because the server restarted.
    const prior = pod.status;
    const readyCondition = prior?.conditions?.find((c) => c.type === 'Ready');
    this.wasReady = readyCondition?.status === 'True';
    this.readySince = readyCondition?.lastTransitionTime ?? now;
    this.containersReadySince =
      prior?.conditions?.find((c) => c.type === 'ContainersReady')?.lastTransitionTime ?? this.readySince;
    this.scheduledAt = prior?.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime ?? now;
    this.startTime = prior?.startTime ?? now;
    const host = this.containerHost();
    this.containers = pod.spec.containers.map((spec) => new ContainerRunner(host, spec));
  }

  pod(): Pod {
    return this.current;
  }

  /** A newer version of the same pod (labels, annotations, status): nothing restarts, later starts read it. */
  update(pod: Pod): void {
    this.current = pod;
  }

  async start(): Promise<void> {
    this.changed();
    for (const container of this.containers) await container.start();
  }

  /** Re-adopts the processes of `record`, resuming probes; containers whose process died restart with backoff. */
  adopt(record: PodRecord): void {
    const prior = new Map<string, ObservedContainerStatus>(
      (this.current.status?.containerStatuses ?? []).map((c) => [c.name, c]),
    );
    for (const container of this.containers) {
      const saved = record.containers[container.spec.name];
      if (saved === undefined) {
        container.restore(prior.get(container.spec.name));
        void container.start();
      } else container.adopt(saved, prior.get(container.spec.name));
    }
    this.changed();
  }

  /** Stops every container (SIGTERM, then SIGKILL after the grace period). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= Promise.all(this.containers.map((c) => c.stop(this.graceMs()))).then(() => undefined);
    return this.stopping;
  }

  graceMs(): number {
    const seconds =
      this.current.metadata.deletionGracePeriodSeconds ?? this.current.spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, seconds) * 1000;
  }

  /** Leaves the processes running and stops watching them (server shutdown). */
  detach(): void {
    this.muted = true;
    for (const container of this.containers) container.detach();
  }

  /** No more reports (the pod is gone). */
  mute(): void {
    this.muted = true;
  }

  status(): PodStatus {
    const statuses = this.containers.map((c) => c.status());
    return buildPodStatus({
      podIP: this.podIP,
      startTime: this.startTime,
      containers: statuses,
      started: this.containers.map((c) => c.hasStarted()),
      finished: this.containers.map((c) => c.isFinished()),
      readySince: this.readySince,
      containersReadySince: this.containersReadySince,
      scheduledAt: this.scheduledAt,
    });
  }

  record(): PodRecord {
    const containers: PodRecord['containers'] = {};
    for (const container of this.containers) {
      const saved = container.record();
      if (saved !== undefined) containers[container.spec.name] = saved;
    }
    return {
      version: 1,
      namespace: this.namespace,
      name: this.name,
      uid: this.uid,
      podIP: this.podIP,
      terminationGracePeriodSeconds: this.graceMs() / 1000,
      containers,
    };
  }

  private changed(): void {
    if (this.muted) return;
    const ready = allReady(this.containers.map((c) => c.status()));
    if (ready !== this.wasReady) {
      this.wasReady = ready;
      this.readySince = rfc3339(this.deps.now());
      this.containersReadySince = this.readySince;
    }
    this.deps.persist(this.record());
    const status = this.status();
    const serialized = JSON.stringify(status);
    if (serialized === this.lastReport) return;
    this.lastReport = serialized;
    this.deps.report(this, status);
  }

  private containerHost(): ContainerHost {
    const deps = this.deps;
    return {
      podName: this.name,
      podIP: this.podIP,
      pod: () => this.current,
      logFile: (container) => containerLogPath(deps.logsDir, this.namespace, this.name, container),
      images: deps.images,
      secrets: deps.secrets,
      configMaps: deps.configMaps,
      nodeName: deps.nodeName,
      baseEnv: deps.baseEnv,
      workingDir: deps.workingDir,
      timing: deps.timing,
      now: () => deps.now(),
      changed: () => this.changed(),
      event: (container, event) => {
        if (!this.muted) deps.event(this, container, event);
      },
    };
  }
}
