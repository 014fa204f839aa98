import type { FakeClock } from '../../src/controller/runtime/index.js';

/** What one settling round drives: the controller under test and the two simulated actors around it. */
export interface SettleParts {
  /** Waits until the controller has caught up (and, over HTTP, until the writes have landed). */
  idle(): Promise<void>;
  /** The simulated kubelet and ReplicaSet controller: true when it changed anything. */
  pods: { sync(): Promise<boolean> };
  /** The AnalysisRun stand-in: true when it changed anything. */
  analysis: { sync(): Promise<boolean> };
  /** A version that moves whenever the store changes (the resourceVersion of a list, or the server's). */
  version(): Promise<string>;
}

export interface SettleOptions {
  /** Give up (and throw) after this many rounds: a reconcile that keeps changing something never settles. */
  maxRounds: number;
  /** How many rounds in a row must change nothing; more than one where writes arrive late (watches over HTTP). */
  quietRounds: number;
  /** Names the world in the error. */
  what: string;
}

/** Runs controller, pods and analysis round after round until `quietRounds` rounds in a row change nothing. */
export async function settleUntilQuiet(parts: SettleParts, options: SettleOptions): Promise<void> {
  let last = '';
  let quiet = 0;
  for (let round = 0; round < options.maxRounds; round++) {
    await parts.idle();
    const podsChanged = await parts.pods.sync();
    const analysisChanged = await parts.analysis.sync();
    await parts.idle();
    const version = await parts.version();
    if (!podsChanged && !analysisChanged && version === last) {
      if (++quiet >= options.quietRounds) return;
    } else {
      quiet = 0;
    }
    last = version;
  }
  throw new Error(
    `${options.what} did not settle in ${options.maxRounds} rounds: a reconcile keeps changing something`,
  );
}

/**
 * Moves a fake clock forward by `ms`, stopping at every timer that falls due on the way and settling there, so each
 * due moment is observed as it would be in real time (a pause ending, a pod becoming ready, a scale-down delay).
 */
export async function advanceSettling(clock: FakeClock, ms: number, settle: () => Promise<void>): Promise<void> {
  const target = clock.now() + ms;
  await settle();
  for (let next = clock.nextTimerAt(); next !== undefined && next <= target; next = clock.nextTimerAt()) {
    clock.advance(Math.max(0, next - clock.now()));
    await settle();
  }
  clock.advance(Math.max(0, target - clock.now()));
  await settle();
}
