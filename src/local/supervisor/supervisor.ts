import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { KanaryError } from '../../common/index.js';
import { createImageMap, type ImageMap } from '../images/index.js';
import { DEFAULT_POD_IP_RANGE, PodIPAllocator, type PodIPRange } from './addresses.js';
import type { ContainerEvent } from './container.js';
import type { ConfigMapLookup, SecretLookup } from './env.js';
import { containerLogPath, logStream, podLogDir, removePodLogs, rotateIfLarge } from './logs.js';
import { PodRunner, type PodRunnerDeps } from './pod-runner.js';
import { podKeyOf, type Pod, type PodStatus } from './pod-types.js';
import { isSameProcess, signalGroup } from './process.js';
import { PodRecords, type PodRecord } from './records.js';
import { DEFAULT_TIMING, type SupervisorTiming } from './timing.js';

export const DEFAULT_NODE_NAME = 'kanary-local';
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
/** Variables a pod process inherits from the server; everything else (tokens included) stays out. */
export const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

export interface SupervisorOptions {
  /** Pid records live in `<stateDir>/pods`, logs in `<stateDir>/logs`; `<stateDir>/images.yaml` extends the image map. */
  stateDir: string;
  /** Default: built-ins + `<stateDir>/images.yaml` + env KANARY_IMAGE_MAP. */
  imageMap?: ImageMap;
  /** This node's name: `spec.nodeName` of the pods it runs (pods without one run here too). */
  nodeName?: string;
  /** Wall clock for timestamps; timers use real time. */
  clock?: { now(): number };
  /** Every change of a pod's status, keyed `namespace/name`; the caller writes it to the Pod's status. */
  onStatus?: (podKey: string, status: PodStatus, info: { uid: string }) => void;
  /**
   * kubelet's Events (Created, Started, Killing, Unhealthy, BackOff, Failed) about a container of a pod; the
   * caller records them (aggregation, rate and expiry are its business). Called synchronously: return at once.
   */
  onEvent?: (pod: { namespace: string; name: string; uid: string }, container: string, event: ContainerEvent) => void;
  /** A pod's processes are gone and its address released (after removal from `sync` or a deletionTimestamp). */
  onGone?: (podKey: string, info: { uid: string }) => void;
  /** Reads Secrets for `env[].valueFrom.secretKeyRef` and `envFrom[].secretRef`. */
  secrets?: SecretLookup;
  /** Reads ConfigMaps for `env[].valueFrom.configMapKeyRef` and `envFrom[].configMapRef`. */
  configMaps?: ConfigMapLookup;
  podIPRange?: PodIPRange;
  /** Default `<stateDir>/logs`. */
  logsDir?: string;
  /** Size at which a container log is rotated (one previous copy kept). */
  logMaxBytes?: number;
  /** Base environment of every process; default: INHERITED_ENV picked from the server's environment. */
  baseEnv?: Record<string, string>;
  /** Working directory of processes whose image entry names none; default the server's. */
  workingDir?: string;
  timing?: Partial<SupervisorTiming>;
}

export interface LogsOptions {
  namespace?: string;
  /** Default: the pod's first container. */
  container?: string;
  /** Keep the stream open and send what is appended, until the pod is gone or the stream is destroyed. */
  follow?: boolean;
  tailLines?: number;
}

/**
 * Runs Pods as processes, the kubelet of local mode. Level-triggered: `sync` receives every pod bound to this
 * node and makes the running set match (start missing, stop extra, leave matching ones alone). State survives a
 * server restart: a new Supervisor on the same state dir re-adopts the processes on its first `sync`.
 */
export class Supervisor {
  private readonly runners = new Map<string, PodRunner>();
  private readonly terminating = new Set<PodRunner>();
  private readonly records: PodRecords;
  private readonly addresses: PodIPAllocator;
  private readonly deps: PodRunnerDeps;
  private readonly logsDir: string;
  private readonly logMaxBytes: number;
  private readonly onStatus: SupervisorOptions['onStatus'];
  private readonly onGone: SupervisorOptions['onGone'];
  private readonly onEvent: SupervisorOptions['onEvent'];
  /** Records found at construction, waiting for the first sync to be adopted or cleaned up. */
  private pending: PodRecord[] | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private lastPods: readonly Pod[] = [];
  private readonly goneReported = new Set<string>();
  private readonly rotateTimer: NodeJS.Timeout;
  private closed = false;

  readonly nodeName: string;

  constructor(options: SupervisorOptions) {
    const timing = { ...DEFAULT_TIMING, ...options.timing };
    const clock = options.clock ?? { now: () => Date.now() };
    this.nodeName = options.nodeName ?? DEFAULT_NODE_NAME;
    this.logsDir = options.logsDir ?? join(options.stateDir, 'logs');
    this.logMaxBytes = options.logMaxBytes ?? DEFAULT_LOG_MAX_BYTES;
    this.onStatus = options.onStatus;
    this.onGone = options.onGone;
    this.onEvent = options.onEvent;
    this.records = new PodRecords(join(options.stateDir, 'pods'));
    this.addresses = new PodIPAllocator(options.podIPRange ?? DEFAULT_POD_IP_RANGE);
    this.deps = {
      images: options.imageMap ?? createImageMap({ stateDir: options.stateDir, env: process.env }),
      secrets: options.secrets,
      configMaps: options.configMaps,
      nodeName: this.nodeName,
      baseEnv: options.baseEnv ?? inheritedEnv(),
      workingDir: options.workingDir ?? process.cwd(),
      logsDir: this.logsDir,
      timing,
      now: () => clock.now(),
      // Both run inside process events and timers: a failure is reported, never thrown into the event loop.
      persist: (record) =>
        guard(`saving the record of pod ${record.namespace}/${record.name}`, () => this.records.write(record)),
      report: (runner, status) =>
        guard(`reporting the status of pod ${runner.key}`, () =>
          this.onStatus?.(runner.key, status, { uid: runner.uid }),
        ),
      event: (runner, container, event) =>
        guard(`recording event ${event.reason} of pod ${runner.key}`, () =>
          this.onEvent?.({ namespace: runner.namespace, name: runner.name, uid: runner.uid }, container, event),
        ),
    };
    this.pending = [];
    for (const record of this.records.readAll()) {
      const key = `${record.namespace}/${record.name}`;
      if (this.addresses.reserve(record.podIP, ipOwner(key, record.uid))) this.pending.push(record);
      else void this.removeOrphan(record);
    }
    this.rotateTimer = setInterval(() => this.rotateLogs(), timing.logRotateCheckMs);
    this.rotateTimer.unref();
  }

  /**
   * Makes the running pods match `pods`, the complete set bound to this node (others are ignored). Pods with a
   * deletionTimestamp are stopped gracefully. Resolves once missing pods are started (or waiting on a
   * config problem); stops run in the background and end with `onGone`.
   */
  sync(pods: readonly Pod[]): Promise<void> {
    const next = this.queue.then(() => this.syncNow(pods));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async syncNow(pods: readonly Pod[]): Promise<void> {
    if (this.closed) throw new KanaryError('INTERNAL', 'the supervisor is closed; create a new one');
    const mine = pods.filter((pod) => this.runsHere(pod));
    const desired = new Map<string, Pod>();
    for (const pod of mine) {
      const runner = this.runners.get(podKeyOf(pod));
      if (runner?.uid === (pod.metadata.uid ?? '')) runner.update(pod);
      if (pod.metadata.deletionTimestamp === undefined) desired.set(podKeyOf(pod), pod);
    }
    for (const [key, runner] of this.runners) {
      if (desired.get(key)?.metadata.uid !== runner.uid) this.remove(runner);
    }
    this.lastPods = pods;
    const starts: Promise<void>[] = [];
    for (const [key, pod] of desired) {
      // The same pod still stopping (it vanished from an earlier sync): start it again once it is gone.
      if (!this.runners.has(key) && !this.isTerminating(key, pod.metadata.uid)) starts.push(this.startPod(key, pod));
    }
    const orphans = this.pending ?? [];
    this.pending = undefined;
    for (const record of orphans) void this.removeOrphan(record);
    this.reportIdleDeletions(mine, orphans);
    await Promise.all(starts);
  }

  /** A pod being deleted that has nothing running here (never started, or already cleaned up) is gone at once. */
  private reportIdleDeletions(pods: readonly Pod[], orphans: readonly PodRecord[]): void {
    for (const pod of pods) {
      const key = podKeyOf(pod);
      const uid = pod.metadata.uid ?? '';
      if (pod.metadata.deletionTimestamp === undefined || this.runners.has(key) || this.isTerminating(key)) continue;
      if (!orphans.some((r) => r.uid === uid)) this.reportGone(key, uid);
    }
  }

  private runsHere(pod: Pod): boolean {
    const node = pod.spec.nodeName;
    return pod.metadata.name !== undefined && (node === undefined || node === this.nodeName);
  }

  private isTerminating(key: string, uid?: string): boolean {
    return [...this.terminating].some((r) => r.key === key && (uid === undefined || r.uid === uid));
  }

  private async startPod(key: string, pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const record = this.pending?.find((r) => `${r.namespace}/${r.name}` === key && r.uid === uid);
    if (record !== undefined) {
      this.pending = this.pending?.filter((r) => r !== record);
      const runner = new PodRunner(pod, record.podIP, this.deps);
      this.runners.set(key, runner);
      runner.adopt(record);
      return;
    }
    const ip = this.addresses.allocate(ipOwner(key, uid), pod.status?.podIP);
    const runner = new PodRunner(pod, ip, this.deps);
    this.runners.set(key, runner);
    await runner.start();
  }

  /** Stops a runner in the background; its address and record go once its processes are gone. */
  private remove(runner: PodRunner): void {
    this.runners.delete(runner.key);
    this.terminating.add(runner);
    void runner.stop().then(() => {
      if (!this.terminating.delete(runner)) return; // detached by stopAll({ leaveRunning: true })
      runner.mute();
      this.records.remove(runner.namespace, runner.name, runner.uid);
      if (!this.runners.has(runner.key)) removePodLogs(this.logsDir, runner.namespace, runner.name);
      this.addresses.release(runner.podIP, ipOwner(runner.key, runner.uid));
      this.reportGone(runner.key, runner.uid);
      const wantedAgain = this.lastPods.some(
        (p) =>
          podKeyOf(p) === runner.key && p.metadata.uid === runner.uid && p.metadata.deletionTimestamp === undefined,
      );
      if (wantedAgain && !this.closed) void this.sync(this.lastPods).catch(() => undefined);
    });
  }

  /** A record whose pod no longer exists: its processes (if still ours) are stopped and its traces removed. */
  private async removeOrphan(record: PodRecord): Promise<void> {
    const alive = Object.values(record.containers).filter((c) => isSameProcess(c.pid, c.startTime));
    for (const c of alive) signalGroup(c.pgid, 'SIGTERM');
    const deadline = Date.now() + record.terminationGracePeriodSeconds * 1000;
    while (alive.some((c) => isSameProcess(c.pid, c.startTime)) && Date.now() < deadline && !this.closed) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const c of alive) if (isSameProcess(c.pid, c.startTime)) signalGroup(c.pgid, 'SIGKILL');
    const key = `${record.namespace}/${record.name}`;
    this.records.remove(record.namespace, record.name, record.uid);
    if (!this.runners.has(key)) removePodLogs(this.logsDir, record.namespace, record.name);
    this.addresses.release(record.podIP, ipOwner(key, record.uid));
    this.reportGone(key, record.uid);
  }

  /** Once per pod incarnation: its processes are gone (or never ran here) and its address is free. */
  private reportGone(key: string, uid: string): void {
    if (this.goneReported.has(uid)) return;
    this.goneReported.add(uid);
    if (this.goneReported.size > 10_000) this.goneReported.delete(this.goneReported.values().next().value ?? '');
    guard(`reporting pod ${key} gone`, () => this.onGone?.(key, { uid }));
  }

  /**
   * Server shutdown. `leaveRunning: true` stops watching and leaves every process running with its record, for
   * the next supervisor to re-adopt; otherwise every pod is stopped gracefully and resolves when all are gone.
   */
  stopAll(options: { leaveRunning?: boolean } = {}): Promise<void> {
    const next = this.queue.then(async () => {
      const runners = [...this.runners.values(), ...this.terminating];
      if (options.leaveRunning === true) {
        for (const runner of runners) runner.detach();
        this.runners.clear();
        this.terminating.clear();
        return;
      }
      for (const runner of [...this.runners.values()]) this.remove(runner);
      await Promise.all(runners.map((r) => r.stop()));
      // Let the removal callbacks of the stops run before resolving.
      await new Promise((resolve) => setImmediate(resolve));
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Releases timers; processes still supervised are left running (as with `stopAll({ leaveRunning: true })`). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.stopAll({ leaveRunning: true });
    this.closed = true;
    clearInterval(this.rotateTimer);
  }

  /** The last status of a pod this supervisor runs. */
  status(podKey: string): PodStatus | undefined {
    return this.runners.get(podKey)?.status();
  }

  /** The address of a pod this supervisor runs. */
  podIP(podKey: string): string | undefined {
    return this.runners.get(podKey)?.podIP;
  }

  /** The pod keys (`namespace/name`) this supervisor runs, terminating ones excluded. */
  podKeys(): string[] {
    return [...this.runners.keys()];
  }

  /** A byte stream of a container's log (`kanary logs POD [-c C] [-f]`). NOT_FOUND when the pod has no log here. */
  logs(podName: string, options: LogsOptions = {}): Readable {
    const namespace = options.namespace ?? 'default';
    const key = `${namespace}/${podName}`;
    const runner = this.runners.get(key) ?? [...this.terminating].find((r) => r.key === key);
    const container = options.container ?? runner?.pod().spec.containers[0]?.name ?? this.onlyLoggedContainer(key);
    const file = container === undefined ? undefined : containerLogPath(this.logsDir, namespace, podName, container);
    if (file === undefined || (runner === undefined && !existsSync(file))) {
      throw new KanaryError(
        'NOT_FOUND',
        `pod "${podName}" in namespace "${namespace}" has no logs on node ${this.nodeName}` +
          (options.container === undefined ? '' : ` for container "${options.container}"`) +
          '; list pods with "kanary get pods"',
      );
    }
    if (runner !== undefined && !runner.containers.some((c) => c.spec.name === container)) {
      const names = runner.containers.map((c) => c.spec.name).join(', ');
      throw new KanaryError('NOT_FOUND', `container "${container}" is not in pod "${podName}"; it has: ${names}`);
    }
    return logStream(file, {
      follow: options.follow === true,
      tailLines: options.tailLines,
      isDone: () => this.closed || !(this.runners.has(key) || [...this.terminating].some((r) => r.key === key)),
    });
  }

  private onlyLoggedContainer(key: string): string | undefined {
    const [namespace = '', name = ''] = key.split('/');
    try {
      const files = readdirSync(podLogDir(this.logsDir, namespace, name)).filter((f) => f.endsWith('.log'));
      return files.length === 1 ? files[0]?.slice(0, -'.log'.length) : undefined;
    } catch {
      return undefined;
    }
  }

  private rotateLogs(): void {
    for (const runner of this.runners.values()) {
      for (const container of runner.containers) {
        rotateIfLarge(
          containerLogPath(this.logsDir, runner.namespace, runner.name, container.spec.name),
          this.logMaxBytes,
        );
      }
    }
  }
}

function guard(what: string, action: () => void): void {
  try {
    action();
  } catch (err) {
    process.emitWarning(`kanary supervisor: ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function ipOwner(key: string, uid: string): string {
  return `${key}/${uid}`;
}

function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
