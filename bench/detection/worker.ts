import { parentPort } from 'node:worker_threads';
import { CONTENDERS, scenarios } from './scenarios.js';
import { simulateRuns } from './simulate.js';

/** A benchmark worker: runs the chunks of runs the main thread sends and posts the outcomes back. */
export interface Job {
  readonly id: number;
  readonly scale: number;
  readonly seed: number;
  readonly scenario: number;
  readonly contender: number;
  readonly from: number;
  readonly to: number;
}

parentPort?.on('message', (job: Job) => {
  const scenario = scenarios(job.scale)[job.scenario];
  const contender = CONTENDERS[job.contender];
  if (scenario === undefined || contender === undefined) throw new Error(`bad job ${JSON.stringify(job)}`);
  void simulateRuns({
    scenario,
    scenarioIndex: job.scenario,
    contender,
    baseSeed: job.seed,
    from: job.from,
    to: job.to,
  }).then((outcomes) => parentPort?.postMessage({ id: job.id, outcomes }));
});
