import { Journey } from '../sim/dsl.js';
import { describeSeedJourney } from '../sim/seed-journey.js';

/**
 * The seed scenario (steps 25, pause, 50, 5m, 75, 5m; background analysis from step 2), first deploy, success and
 * failure, in the simulated world: the Rollout controller over an in-memory store on a fake clock. The same journey
 * runs against a Kubernetes API server in kubernetes-seed.test.ts.
 */
describeSeedJourney('rollout journeys: the seed scenario', {
  given: () => Journey.given({ analysis: true }),
});
