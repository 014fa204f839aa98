import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalysisPhase } from '../../src/api/index.js';
import { KanaryError } from '../../src/common/index.js';
import { Journey } from '../sim/dsl.js';
import { invariantViolations } from '../sim/invariants.js';

type Op =
  | { kind: 'setImage'; tag: string }
  | {
      kind:
        | 'promote'
        | 'promoteFull'
        | 'abort'
        | 'retry'
        | 'pause'
        | 'resume'
        | 'undo'
        | 'restart'
        | 'failCanaryPods'
        | 'breakCanary';
    }
  | { kind: 'wait'; ms: number }
  | { kind: 'runEnds'; phase: AnalysisPhase };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('1.0.0', '2.0.0', '3.0.0').map((tag): Op => ({ kind: 'setImage', tag })) },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(
        'promote',
        'promoteFull',
        'abort',
        'retry',
        'pause',
        'resume',
        'undo',
        'restart',
        'failCanaryPods',
        'breakCanary',
      )
      .map((kind) => ({ kind })),
  },
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 420 }).map((s): Op => ({ kind: 'wait', ms: s * 1000 })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<AnalysisPhase>('Successful', 'Failed', 'Error', 'Inconclusive')
      .map((phase): Op => ({ kind: 'runEnds', phase })),
  },
);

async function run(j: Journey, op: Op): Promise<void> {
  switch (op.kind) {
    case 'setImage':
      return j.whenImageSet(op.tag);
    case 'promote':
      return j.whenPromoted();
    case 'promoteFull':
      return j.whenPromoted(true);
    case 'abort':
      return j.whenAborted();
    case 'retry':
      return j.whenRetried();
    case 'pause':
      return j.whenPaused();
    case 'resume':
      return j.whenResumed();
    case 'undo':
      return j.whenUndone();
    case 'restart':
      return j.whenRestarted();
    case 'failCanaryPods':
      return j.whenCanaryPodsFail();
    case 'breakCanary':
      j.world.pods.breakTemplate((await j.status()).currentPodHash ?? '');
      return j.world.settle();
    case 'wait':
      return j.whenTimePasses(op.ms);
    case 'runEnds': {
      const live = await j.liveRuns();
      const target = live[0];
      if (!target) return;
      await j.world.analysis.setPhase(
        j.ns,
        target.metadata.name ?? '',
        op.phase,
        `Metric "success-share" assessed ${op.phase}`,
      );
      return j.world.settle();
    }
  }
}

/** Random operations, time steps and pod failures; the invariants hold after every step. */
describe('rollout properties', () => {
  it('keeps the invariants under random operations, time and pod failures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 14 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (ops, analysis, replicas, deadlineAbort) => {
          const j = await Journey.given({
            analysis,
            replicas,
            spec: { progressDeadlineSeconds: 300, progressDeadlineAbort: deadlineAbort },
          });
          try {
            expect(await invariantViolations(j)).toEqual([]);
            for (const op of ops) {
              try {
                await run(j, op);
              } catch (err) {
                if (!(err instanceof KanaryError)) throw err;
              }
              const violations = await invariantViolations(j);
              expect(violations, `after ${JSON.stringify(op)}`).toEqual([]);
            }
          } finally {
            await j.stop();
          }
        },
      ),
      { numRuns: Number(process.env.KANARY_PROPERTY_RUNS ?? 60) },
    );
  }, 180_000);
});
