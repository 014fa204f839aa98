import { spawn, type ChildProcess } from 'node:child_process';
import type { AnalysisRun, Container, Measurement, Metric } from '../../api/index.js';
import { errorMeasurement, isoAt } from './measurement.js';
import type { MetricProvider, ProviderContext } from './types.js';

/**
 * Argo's job provider in local mode: the Job's first container runs as a process (its `command` + `args`, its `env`
 * values, its `workingDir`; the image is not pulled). Asynchronous like Argo's: `run` starts the process and
 * returns Running with a resumeAt; `resume` reports Successful on exit 0 and Failed otherwise, with the output tail
 * as the message. `activeDeadlineSeconds` (or the provider's timeout) kills it: Failed, DeadlineExceeded.
 * `terminate` kills it: Successful, as Argo's job provider does (the engine then says "Metric Terminated").
 * Conditions are not used.
 */

export interface JobProviderOptions {
  /** Upper bound on a job's run time when the Job sets no activeDeadlineSeconds. Default 10 minutes. */
  defaultTimeoutMs?: number;
  /** Bytes of output kept for the message. Default 2048. */
  outputTailBytes?: number;
}

interface RunningJob {
  child: ChildProcess;
  output: string;
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  deadlineExceeded: boolean;
  timer: NodeJS.Timeout | undefined;
  exited: Promise<void>;
}

const JOB_NAME = 'job-name';

interface Launch {
  file: string;
  rest: string[];
  env: Record<string, string>;
}

/** The process to start for the container, or why it cannot be started. */
function launchOf(metricName: string, container: Container): Launch | string {
  const [file, ...rest] = [...(container.command ?? []), ...(container.args ?? [])];
  if (file === undefined) {
    return `metric "${metricName}": container "${container.name}" has no command; local mode runs the container's command as a process, so set command`;
  }
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const e of container.env ?? []) {
    if (e.valueFrom !== undefined)
      return `metric "${metricName}": env ${e.name} uses valueFrom, which local mode does not support`;
    env[e.name] = e.value ?? '';
  }
  return { file, rest, env };
}

/** Polling back-off: sqrt(2 * elapsed) seconds, at least 1 s, at most 30 s. */
function resumeDelayMs(elapsedMs: number): number {
  const seconds = Math.sqrt((2 * Math.max(0, elapsedMs)) / 1000);
  return Math.round(Math.min(30, Math.max(1, seconds)) * 1000);
}

export class JobProvider implements MetricProvider {
  readonly type = 'job';
  readonly #jobs = new Map<string, RunningJob>();
  readonly #timeoutMs: number;
  readonly #tailBytes: number;

  constructor(options: JobProviderOptions = {}) {
    this.#timeoutMs = options.defaultTimeoutMs ?? 600_000;
    this.#tailBytes = options.outputTailBytes ?? 2048;
  }

  /** Jobs still running, for shutdown. */
  get running(): number {
    return this.#jobs.size;
  }

  run(run: AnalysisRun, metric: Metric, ctx: ProviderContext): Promise<Measurement> {
    const started = ctx.now();
    const spec = metric.provider.job?.spec;
    const container = spec?.template.spec.containers[0];
    const name = `${run.metadata.name ?? 'run'}.${metric.name}.${started}`;
    const metadata = { [JOB_NAME]: name, 'job-namespace': run.metadata.namespace ?? '' };
    const fail = (message: string): Promise<Measurement> =>
      Promise.resolve(errorMeasurement(started, ctx.now(), message, { metadata }));
    if (container === undefined) return fail(`metric "${metric.name}": the job has no container to run`);
    const launch = launchOf(metric.name, container);
    if (typeof launch === 'string') return fail(launch);
    const { file, rest, env } = launch;
    const deadlineMs = spec?.activeDeadlineSeconds !== undefined ? spec.activeDeadlineSeconds * 1000 : this.#timeoutMs;
    let child: ChildProcess;
    try {
      child = spawn(file, rest, {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(container.workingDir === undefined ? {} : { cwd: container.workingDir }),
      });
    } catch (err) {
      return fail(`metric "${metric.name}": cannot start ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const job: RunningJob = {
      child,
      output: '',
      exit: undefined,
      deadlineExceeded: false,
      timer: undefined,
      exited: Promise.resolve(),
    };
    const keep = (chunk: Buffer): void => {
      job.output = (job.output + chunk.toString('utf8')).slice(-this.#tailBytes);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    job.exited = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        job.output += `${err.message}\n`;
        job.exit ??= { code: 127, signal: null };
        resolve();
      });
      child.once('close', (code, signal) => {
        job.exit ??= { code, signal };
        resolve();
      });
    });
    job.timer = setTimeout(() => {
      job.deadlineExceeded = true;
      child.kill('SIGKILL');
    }, deadlineMs);
    job.timer.unref();
    void job.exited.then(() => clearTimeout(job.timer));
    this.#jobs.set(name, job);
    return Promise.resolve({
      phase: 'Running',
      startedAt: isoAt(started),
      resumeAt: isoAt(ctx.now() + resumeDelayMs(0)),
      metadata,
    });
  }

  resume(_run: AnalysisRun, metric: Metric, measurement: Measurement, ctx: ProviderContext): Promise<Measurement> {
    const name = measurement.metadata?.[JOB_NAME] ?? '';
    const job = this.#jobs.get(name);
    const startedMs = Date.parse(measurement.startedAt ?? '') || ctx.now();
    if (job === undefined) {
      return Promise.resolve(
        errorMeasurement(
          startedMs,
          ctx.now(),
          `job ${name} of metric "${metric.name}" is not running here any more (was Kanary restarted?)`,
          {
            ...(measurement.metadata === undefined ? {} : { metadata: measurement.metadata }),
          },
        ),
      );
    }
    if (job.exit === undefined) {
      return Promise.resolve({ ...measurement, resumeAt: isoAt(ctx.now() + resumeDelayMs(ctx.now() - startedMs)) });
    }
    this.#jobs.delete(name);
    return Promise.resolve(this.#finished(measurement, job, ctx));
  }

  async terminate(
    _run: AnalysisRun,
    _metric: Metric,
    measurement: Measurement,
    ctx: ProviderContext,
  ): Promise<Measurement> {
    const name = measurement.metadata?.[JOB_NAME] ?? '';
    const job = this.#jobs.get(name);
    this.#jobs.delete(name);
    if (job !== undefined && job.exit === undefined) {
      job.child.kill('SIGTERM');
      const grace = setTimeout(() => job.child.kill('SIGKILL'), 5_000);
      await job.exited;
      clearTimeout(grace);
    }
    // Argo's job provider deletes the Job and calls the measurement Successful (the engine adds "Metric
    // Terminated"), so a run stopped at the end of a rollout is not held against the canary.
    const done: Measurement = { ...measurement, phase: 'Successful', finishedAt: isoAt(ctx.now()) };
    delete done.resumeAt;
    return done;
  }

  #finished(measurement: Measurement, job: RunningJob, ctx: ProviderContext): Measurement {
    const tail = job.output.trimEnd();
    const exit = job.exit;
    const done: Measurement = { ...measurement, finishedAt: isoAt(ctx.now()) };
    delete done.resumeAt;
    if (job.deadlineExceeded) {
      done.phase = 'Failed';
      done.message = `DeadlineExceeded: Job was active longer than specified deadline${tail ? `; output: ${tail}` : ''}`;
    } else if (exit?.code === 0) {
      done.phase = 'Successful';
      if (tail) done.message = tail;
    } else {
      done.phase = 'Failed';
      const how = exit?.signal ? `killed by ${exit.signal}` : `exited with code ${exit?.code ?? 'unknown'}`;
      done.message = `job ${how}${tail ? `; output: ${tail}` : ''}`;
    }
    return done;
  }
}
