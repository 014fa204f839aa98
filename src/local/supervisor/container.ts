import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolveContainerProgram } from '../images/index.js';
import type { ImageMap } from '../images/index.js';
import { expandVariables, resolveContainerEnv, type ConfigMapLookup, type SecretLookup } from './env.js';
import type { Container, ContainerState, ContainerStatus, ObservedContainerStatus, Pod } from './pod-types.js';
import {
  failureMessage,
  nextDue,
  probeSettings,
  recordResult,
  startHealth,
  takeDue,
  type HealthEffect,
  type HealthPlan,
  type HealthState,
  type ProbeKind,
} from './probe-state.js';
import { implicitProbe, runProbe } from './probe.js';
import { exitCodeForSignal, isSameProcess, processStartTime, signalGroup } from './process.js';
import type { ContainerRecord } from './records.js';
import { nextBackoff, rfc3339, type SupervisorTiming } from './timing.js';

/** What a container runner needs from its pod and supervisor. */
export interface ContainerHost {
  readonly podName: string;
  readonly podIP: string;
  /** The latest pod object (labels may have changed since the start; a restart reads them afresh, as kubelet does). */
  pod(): Pod;
  logFile(container: string): string;
  readonly images: ImageMap;
  readonly secrets: SecretLookup | undefined;
  readonly configMaps: ConfigMapLookup | undefined;
  readonly nodeName: string;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly workingDir: string;
  readonly timing: SupervisorTiming;
  now(): number;
  /** Called after every state change: the pod recomputes its status, persists its record and reports. */
  changed(): void;
  /** kubelet's event about this container (reason and message as kubelet words them). */
  event(container: string, event: ContainerEvent): void;
}

/** One of kubelet's Events about a container: Created, Started, Killing, Unhealthy, BackOff, Failed. */
export interface ContainerEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

interface RunningProcess {
  pid: number;
  pgid: number;
  startTime: string;
  startedAt: number;
  command: string[];
  /** Present when we spawned it; absent for a re-adopted process (then liveness is polled). */
  child: ChildProcess | undefined;
}

type Terminated = NonNullable<ContainerState['terminated']>;

/** A kill a failed liveness or startup probe caused, for the exit it leads to. */
interface ProbeKill {
  run: number;
  message: string;
}

/**
 * One container as one detached process group: start, probing (startup, liveness, readiness; decisions in
 * probe-state.ts), restart with backoff, staged stop.
 * States follow kubelet's: waiting (ContainerCreating, CrashLoopBackOff, config errors), running, terminated.
 */
export class ContainerRunner {
  private mode: 'active' | 'stopping' | 'detached' = 'active';
  private proc: RunningProcess | undefined;
  private waiting: { reason: string; message?: string } | undefined = { reason: 'ContainerCreating' };
  private terminated: Terminated | undefined;
  private lastTerminated: Terminated | undefined;
  private ready = false;
  private everStarted = false;
  private restartCount = 0;
  private backoffMs: number | undefined;
  private plan: HealthPlan = {};
  /** The probes' state for the current process; undefined while none runs. */
  private health: HealthState | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probeKill: ProbeKill | undefined;
  private run = 0;
  private env: Record<string, string> = {};
  private cwd: string | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private exitWaiters: (() => void)[] = [];

  constructor(
    private readonly host: ContainerHost,
    readonly spec: Container,
  ) {}

  /** Resolves the program and environment and spawns it; a config problem leaves the container waiting and retried. */
  async start(): Promise<void> {
    try {
      await this.tryStart();
    } catch (err) {
      // An I/O failure of our own (log dir, secret lookup): report it on the container and try again later.
      this.waitOnConfig('RunContainerError', err instanceof Error ? err.message : String(err));
    }
  }

  private async tryStart(): Promise<void> {
    if (!this.canStart()) return;
    const resolution = resolveContainerProgram(this.spec, this.host.images);
    if (!resolution.ok) return this.waitOnConfig(resolution.reason, resolution.message);
    const { program } = resolution;
    const env = await resolveContainerEnv(this.host.pod(), this.spec, {
      podIP: this.host.podIP,
      nodeName: this.host.nodeName,
      baseEnv: this.host.baseEnv,
      imageEnv: program.imageEnv,
      secrets: this.host.secrets,
      configMaps: this.host.configMaps,
    });
    if (!this.canStart()) return; // stopped, or started by another path, while the env resolved
    if (!env.ok) return this.waitOnConfig('CreateContainerConfigError', env.message);
    const file = expandVariables(program.file, env.env);
    const args = program.args.map((arg) => expandVariables(arg, env.env));
    this.env = env.env;
    this.cwd = program.workingDir ?? this.host.workingDir;
    if (this.everStarted) this.restartCount++;
    this.everStarted = true;
    await this.spawnProcess(file, args);
  }

  private async spawnProcess(file: string, args: string[]): Promise<void> {
    const logFile = this.host.logFile(this.spec.name);
    mkdirSync(dirname(logFile), { recursive: true });
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(file, args, { detached: true, stdio: ['ignore', fd, fd], env: this.env, cwd: this.cwd });
    } finally {
      closeSync(fd);
    }
    const startedAt = this.host.now();
    const pid = child.pid;
    if (pid === undefined) {
      const err = await new Promise<Error>((resolve) => child.once('error', resolve));
      this.emit('Warning', 'Failed', `Error: ${err.message}`);
      return this.onExit(undefined, { exitCode: 128, reason: 'StartError', message: err.message, startedAt });
    }
    child.unref();
    // Signals go through process.kill on the group, so the child object has nothing left to fail at; an unheard
    // 'error' event would still crash the server.
    child.on('error', () => undefined);
    const run = ++this.run;
    this.proc = {
      pid,
      pgid: pid,
      startTime: processStartTime(pid) ?? '',
      startedAt,
      command: [file, ...args],
      child,
    };
    child.once('exit', (code, signal) => {
      const exitCode = code ?? (signal === null ? 255 : exitCodeForSignal(signal));
      this.onExit(run, { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt });
    });
    this.emit('Normal', 'Created', `Created container ${this.spec.name}`);
    this.emit('Normal', 'Started', `Started container ${this.spec.name}`);
    this.enterRunning(run, undefined);
  }

  /**
   * Takes over a process a previous supervisor started. When it is no longer alive (or its pid now belongs to
   * another process) the container counts as crashed while unsupervised and restarts with backoff.
   */
  adopt(record: ContainerRecord, prior: ObservedContainerStatus | undefined): void {
    this.restartCount = Math.max(record.restartCount, prior?.restartCount ?? 0);
    this.everStarted = true;
    this.lastTerminated = terminatedIn(prior?.lastState);
    const startedAt = Date.parse(record.startedAt);
    if (!isSameProcess(record.pid, record.startTime)) {
      this.onExit(undefined, {
        exitCode: 255,
        reason: 'Unknown',
        message: 'the process ended while no supervisor was watching it; its exit code is unknown',
        startedAt: Number.isNaN(startedAt) ? this.host.now() : startedAt,
      });
      return;
    }
    const run = ++this.run;
    this.proc = {
      pid: record.pid,
      pgid: record.pgid,
      startTime: record.startTime,
      startedAt: Number.isNaN(startedAt) ? this.host.now() : startedAt,
      command: record.command,
      child: undefined,
    };
    this.enterRunning(run, { started: prior?.started !== false, ready: prior?.ready === true });
    this.pollLiveness(run);
  }

  /** Carries a container's history over from the pod's last reported status (it was not running at adoption). */
  restore(prior: ObservedContainerStatus | undefined): void {
    if (prior === undefined) return;
    this.restartCount = prior.restartCount ?? 0;
    this.lastTerminated = terminatedIn(prior.lastState) ?? terminatedIn(prior.state);
    this.everStarted = this.restartCount > 0 || this.lastTerminated !== undefined;
  }

  /** `adopted`: a re-adopted process keeps the started and ready flags it was last reported with. */
  private enterRunning(run: number, adopted: { started: boolean; ready: boolean } | undefined): void {
    this.waiting = undefined;
    this.terminated = undefined;
    this.probeKill = undefined;
    this.plan = this.healthPlan();
    // Probes are scheduled on the monotonic clock timers run on; `host.now()` may be a test's clock.
    const now = performance.now();
    const sinceStart = Math.max(0, this.host.now() - (this.proc?.startedAt ?? this.host.now()));
    this.health = startHealth(this.plan, now - sinceStart, now, adopted);
    this.ready = this.health.ready;
    this.pumpProbes(run);
    this.host.changed();
  }

  private healthPlan(): HealthPlan {
    const { startupProbe, livenessProbe, readinessProbe, ports } = this.spec;
    const plan: HealthPlan = {};
    if (startupProbe !== undefined) plan.startup = probeSettings(startupProbe, 'startup');
    if (livenessProbe !== undefined) plan.liveness = probeSettings(livenessProbe, 'liveness');
    if (readinessProbe !== undefined) plan.readiness = probeSettings(readinessProbe, 'readiness');
    else {
      const implicit = implicitProbe(ports);
      if (implicit !== undefined) {
        plan.readiness = probeSettings(implicit, 'readiness', this.host.timing.portProbePeriodMs);
      }
    }
    return plan;
  }

  /** Starts the probes that are due and sets one timer for the next one. */
  private pumpProbes(run: number): void {
    if (!this.isCurrent(run) || !this.isActive() || this.health === undefined) return;
    const now = performance.now();
    const taken = takeDue(this.health, now);
    this.health = taken.state;
    for (const kind of taken.due) void this.probeOnce(run, kind);
    this.cancelProbeTimer();
    const next = nextDue(this.health);
    if (next !== undefined) this.probeTimer = this.after(Math.max(0, next - now), () => this.pumpProbes(run));
  }

  private async probeOnce(run: number, kind: ProbeKind): Promise<void> {
    const settings = this.plan[kind];
    if (settings === undefined) return;
    const result = await runProbe(settings.probe, this.probeTarget(), settings.timeoutMs);
    // The process or the runner may have moved on while the probe ran.
    if (!this.isCurrent(run) || !this.isActive() || this.health === undefined) return;
    const killed = this.health.killed;
    const { state, effects } = recordResult(this.plan, this.health, kind, result, performance.now());
    this.health = state;
    // Every failed result is an Unhealthy event, as kubelet's prober records; not a result that lands after a
    // kill (kubelet stops probing), nor the implicit port check, which kubelet does not have.
    if (!result.ok && !killed && (kind !== 'readiness' || this.spec.readinessProbe !== undefined)) {
      this.emit('Warning', 'Unhealthy', failureMessage(kind, result.message));
    }
    for (const effect of effects) this.apply(run, effect);
    this.pumpProbes(run);
  }

  private apply(run: number, effect: HealthEffect): void {
    if (effect.type === 'ready') this.setReady(effect.ready);
    else if (effect.type === 'started') this.host.changed();
    else void this.killForProbe(run, effect.probe, effect.message);
  }

  private cancelProbeTimer(): void {
    if (this.probeTimer === undefined) return;
    clearTimeout(this.probeTimer);
    this.timers.delete(this.probeTimer);
    this.probeTimer = undefined;
  }

  private probeTarget(): Parameters<typeof runProbe>[1] {
    return { podIP: this.host.podIP, ports: this.spec.ports ?? [], env: this.env, cwd: this.cwd };
  }

  private setReady(ready: boolean): void {
    this.ready = ready;
    this.host.changed();
  }

  /**
   * kubelet's answer to a failed liveness or startup probe: SIGTERM to the group, SIGKILL after the probe's (else
   * the pod's) grace period. The exit then goes the usual way, except that it restarts whatever its exit code
   * unless restartPolicy is Never, and its `terminated.message` says which probe failed.
   */
  private async killForProbe(run: number, probe: 'liveness' | 'startup', failure: string): Promise<void> {
    const proc = this.proc;
    if (!this.isCurrent(run) || proc === undefined) return;
    const restart = this.restartPolicy() !== 'Never';
    const action = `container ${this.spec.name} failed ${probe} probe${restart ? ', will be restarted' : ''}`;
    this.probeKill = { run, message: `${failure}; ${action}` };
    this.emit(
      'Normal',
      'Killing',
      `Container ${this.spec.name} failed ${probe} probe${restart ? ', will be restarted' : ''}`,
    );
    this.host.changed();
    signalGroup(proc.pgid, 'SIGTERM');
    if (await this.waitForExit(this.probeGraceMs(probe))) return;
    // A stop or shutdown meanwhile has its own escalation; a new process is not ours to kill.
    if (this.run !== run || !this.isActive()) return;
    signalGroup(proc.pgid, 'SIGKILL');
  }

  private probeGraceMs(probe: 'liveness' | 'startup'): number {
    const seconds =
      this.plan[probe]?.probe.terminationGracePeriodSeconds ?? this.host.pod().spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, seconds) * 1000;
  }

  private pollLiveness(run: number): void {
    const check = (): void => {
      const proc = this.proc;
      if (!this.isCurrent(run) || proc === undefined || this.mode === 'detached') return;
      if (isSameProcess(proc.pid, proc.startTime)) {
        this.after(this.host.timing.processPollMs, check);
        return;
      }
      this.onExit(run, {
        exitCode: 255,
        reason: 'Unknown',
        message: 'the re-adopted process exited; its exit code is unknown to a supervisor that did not start it',
        startedAt: proc.startedAt,
      });
    };
    this.after(this.host.timing.processPollMs, check);
  }

  private canStart(): boolean {
    return this.mode === 'active' && this.proc === undefined;
  }

  private isActive(): boolean {
    return this.mode === 'active';
  }

  private isCurrent(run: number): boolean {
    return this.run === run && this.proc !== undefined;
  }

  /** `run` undefined: the process never ran under this runner (start error, or found dead at adoption). */
  private onExit(run: number | undefined, exit: Omit<Terminated, 'startedAt'> & { startedAt: number }): void {
    if (this.mode === 'detached' || (run !== undefined && run !== this.run)) return;
    const proc = this.proc;
    if (run !== undefined && proc !== undefined) signalGroup(proc.pgid, 'SIGKILL'); // leftovers of the group
    this.proc = undefined;
    this.run++;
    this.ready = false;
    this.health = undefined;
    this.cancelProbeTimer();
    const probeKill = run !== undefined && this.probeKill?.run === run ? this.probeKill : undefined;
    this.probeKill = undefined;
    const info: Terminated = {
      ...exit,
      startedAt: rfc3339(exit.startedAt),
      finishedAt: rfc3339(this.host.now()),
    };
    if (proc !== undefined) info.containerID = containerIdOf(proc.pid);
    if (probeKill !== undefined) info.message = probeKill.message;
    for (const resolve of this.exitWaiters.splice(0)) resolve();
    if (this.mode === 'stopping') {
      this.terminated = info;
      this.host.changed();
      return;
    }
    this.lastTerminated = info;
    // kubelet restarts a container a probe killed unless restartPolicy is Never, whatever its exit code.
    const restart = probeKill === undefined ? this.shouldRestart(info.exitCode) : this.restartPolicy() !== 'Never';
    if (!restart) {
      this.terminated = info;
      this.host.changed();
      return;
    }
    if (this.host.now() - exit.startedAt >= this.host.timing.backoffResetMs) this.backoffMs = undefined;
    const delay = nextBackoff(this.backoffMs, this.host.timing);
    this.backoffMs = delay;
    this.waiting = {
      reason: 'CrashLoopBackOff',
      message: `back-off ${formatDelay(delay)} restarting failed container=${this.spec.name} pod=${this.host.podName}`,
    };
    this.emit(
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${this.spec.name} in pod ${this.host.podName}_${this.host.pod().metadata.namespace ?? 'default'}(${this.host.pod().metadata.uid ?? ''})`,
    );
    this.after(delay, () => this.start());
    this.host.changed();
  }

  private emit(type: ContainerEvent['type'], reason: string, message: string): void {
    this.host.event(this.spec.name, { type, reason, message });
  }

  private restartPolicy(): string | undefined {
    return this.host.pod().spec.restartPolicy;
  }

  private shouldRestart(exitCode: number): boolean {
    const policy = this.restartPolicy();
    if (policy === 'Never') return false;
    return policy !== 'OnFailure' || exitCode !== 0;
  }

  private waitOnConfig(reason: string, message: string): void {
    if (this.mode !== 'active') return;
    this.waiting = { reason, message };
    this.emit('Warning', 'Failed', `Error: ${message}`);
    const delay = nextBackoff(this.backoffMs, this.host.timing);
    this.backoffMs = delay;
    this.after(delay, () => this.start());
    this.host.changed();
  }

  /** SIGTERM to the process group, SIGKILL after the grace period; resolves once the process is gone. */
  async stop(graceMs: number): Promise<void> {
    if (this.mode === 'detached') return;
    this.mode = 'stopping';
    this.clearTimers();
    const wasReady = this.ready;
    this.ready = false;
    const proc = this.proc;
    if (proc === undefined) {
      if (wasReady) this.host.changed();
      return;
    }
    if (proc.child === undefined) this.pollLiveness(this.run);
    this.emit('Normal', 'Killing', `Stopping container ${this.spec.name}`);
    this.host.changed();
    signalGroup(proc.pgid, 'SIGTERM');
    if (await this.waitForExit(graceMs)) return;
    signalGroup(proc.pgid, 'SIGKILL');
    await this.waitForExit(Math.max(5_000, this.host.timing.processPollMs * 4));
  }

  private waitForExit(ms: number): Promise<boolean> {
    if (this.proc === undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.proc === undefined), ms);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Forgets the process without touching it (server shutdown): a later supervisor re-adopts it. */
  detach(): void {
    this.mode = 'detached';
    this.clearTimers();
    for (const resolve of this.exitWaiters.splice(0)) resolve();
  }

  record(): ContainerRecord | undefined {
    const proc = this.proc;
    if (proc === undefined) return undefined;
    return {
      pid: proc.pid,
      pgid: proc.pgid,
      startTime: proc.startTime,
      startedAt: new Date(proc.startedAt).toISOString(),
      command: proc.command,
      restartCount: this.restartCount,
    };
  }

  status(): ContainerStatus {
    const proc = this.proc;
    let state: ContainerState;
    if (proc !== undefined) state = { running: { startedAt: rfc3339(proc.startedAt) } };
    else if (this.terminated !== undefined) state = { terminated: this.terminated };
    else state = { waiting: this.waiting ?? { reason: 'ContainerCreating' } };
    const status: ContainerStatus = {
      name: this.spec.name,
      image: this.spec.image ?? '',
      imageID: '',
      ready: this.ready,
      started: proc !== undefined && this.health?.started !== false,
      restartCount: this.restartCount,
      state,
      lastState: this.lastTerminated === undefined ? {} : { terminated: this.lastTerminated },
    };
    const id = proc === undefined ? this.terminated?.containerID : containerIdOf(proc.pid);
    if (id !== undefined) status.containerID = id;
    return status;
  }

  /** True once the container has started at least once (the pod leaves Pending). */
  hasStarted(): boolean {
    return this.everStarted && this.waiting?.reason !== 'ContainerCreating';
  }

  /** True when it finished and will not restart (restartPolicy Never/OnFailure). */
  isFinished(): boolean {
    return this.proc === undefined && this.terminated !== undefined;
  }

  private after(ms: number, fn: () => unknown): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** The `terminated` part of a stored container state, when it has a numeric exit code. */
function terminatedIn(state: unknown): Terminated | undefined {
  if (typeof state !== 'object' || state === null || !('terminated' in state)) return undefined;
  const terminated: unknown = state.terminated;
  if (typeof terminated !== 'object' || terminated === null || !('exitCode' in terminated)) return undefined;
  return typeof terminated.exitCode === 'number' ? (terminated as Terminated) : undefined;
}

function containerIdOf(pid: number): string {
  return `process://${pid}`;
}

function formatDelay(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
