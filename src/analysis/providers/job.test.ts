import { describe, expect, it } from 'vitest';
import type { AnalysisRun, Metric } from '../../api/index.js';
import { measureToCompletion, providerContract } from './contract.js';
import { JobProvider } from './job.js';

const run: AnalysisRun = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name: 'r', namespace: 'ns' },
  spec: { metrics: [] },
};
const ctx = { now: () => Date.now() };

/** A Job metric whose container runs `node -e SCRIPT`. */
function jobMetric(
  script: string | undefined,
  spec: { activeDeadlineSeconds?: number } = {},
  env: { name: string; value: string }[] = [],
): Metric {
  const container =
    script === undefined
      ? { name: 'c', image: 'busybox' }
      : { name: 'c', image: 'node', command: [process.execPath, '-e', script], env };
  return {
    name: 'smoke',
    provider: { job: { spec: { ...spec, template: { spec: { containers: [container], restartPolicy: 'Never' } } } } },
  };
}

providerContract('job', () =>
  Promise.resolve({
    provider: new JobProvider(),
    successful: jobMetric('console.log("all good")'),
    failed: jobMetric('console.error("smoke test failed"); process.exit(3)'),
    error: jobMetric(undefined),
    errorMentions: ['container "c" has no command'],
  }),
);

describe('job provider (local mode)', () => {
  it('runs asynchronously: Running with a resumeAt first', async () => {
    const p = new JobProvider();
    const m = await p.run(run, jobMetric('setTimeout(() => {}, 200)'), ctx);
    expect(m.phase).toBe('Running');
    expect(m.resumeAt).toBeDefined();
    expect(m.metadata?.['job-name']).toMatch(/^r\.smoke\./);
    await p.terminate(run, jobMetric(''), m, ctx);
  });

  it('exit 0 is Successful with the output tail as message; env values reach the process', async () => {
    const m = await measureToCompletion(
      new JobProvider(),
      run,
      jobMetric('console.log("hello " + process.env.WHO)', {}, [{ name: 'WHO', value: 'kanary' }]),
      ctx,
    );
    expect(m).toMatchObject({ phase: 'Successful', message: 'hello kanary' });
  });

  it('a non-zero exit is Failed with the exit code and output tail', async () => {
    const m = await measureToCompletion(
      new JobProvider(),
      run,
      jobMetric('console.error("boom"); process.exit(3)'),
      ctx,
    );
    expect(m).toMatchObject({ phase: 'Failed', message: 'job exited with code 3; output: boom' });
  });

  it('only the tail of a long output is kept', async () => {
    const p = new JobProvider({ outputTailBytes: 10 });
    const m = await measureToCompletion(p, run, jobMetric('console.log("x".repeat(100) + "END")'), ctx);
    expect(m.message).toBe('xxxxxxEND');
  });

  it('activeDeadlineSeconds kills the process: Failed, DeadlineExceeded', async () => {
    const m = await measureToCompletion(
      new JobProvider(),
      run,
      jobMetric('setTimeout(() => {}, 60000)', { activeDeadlineSeconds: 1 }),
      ctx,
    );
    expect(m.phase).toBe('Failed');
    expect(m.message).toContain('DeadlineExceeded');
  });

  it('terminate kills the process and marks the measurement Successful, as Argo does', async () => {
    const p = new JobProvider();
    const metric = jobMetric('setTimeout(() => {}, 60000)');
    const started = await p.run(run, metric, ctx);
    const stopped = await p.terminate(run, metric, started, ctx);
    expect(stopped.phase).toBe('Successful');
    expect(started.phase).toBe('Running');
    expect(stopped.finishedAt).toBeDefined();
    expect(p.running).toBe(0);
  });

  it('resuming a job this process does not know is an Error', async () => {
    const m = await new JobProvider().resume(
      run,
      jobMetric('x'),
      { phase: 'Running', metadata: { 'job-name': 'gone' } },
      ctx,
    );
    expect(m.phase).toBe('Error');
    expect(m.message).toContain('gone');
  });
});
