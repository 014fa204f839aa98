import type { FakeClock } from '../../src/controller/runtime/index.js';
import type { ResourceStore } from '../../src/store/index.js';
import type { FakeAnalysis } from './analysis.js';
import type { PodRealiser } from './realiser.js';

/**
 * What the Given/When/Then journeys (dsl.ts) need from a world, so that one journey runs unchanged against the
 * in-memory simulation (world.ts) and against the controller behind a Kubernetes API server: a store to act and read
 * through, a fake clock, the simulated pods, the analysis stand-in that journeys feed verdicts to, and the two ways
 * to let things happen.
 */
export interface JourneyWorld {
  /** Where the journey acts (set image, promote, ...) and reads; writes reach the controller under test. */
  readonly store: ResourceStore;
  readonly clock: FakeClock;
  readonly pods: PodRealiser;
  readonly analysis: FakeAnalysis;
  /** Runs controller, pods and analysis until nothing changes; throws when that never happens. */
  settle(): Promise<void>;
  /** Moves the clock by `ms`, settling at every timer that falls due on the way. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}
