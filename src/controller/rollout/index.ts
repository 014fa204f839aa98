/** The Rollout controller: the pure engine in `src/rollout` driven over a ResourceStore. */
export { RolloutController, type RolloutControllerOptions } from './controller.js';
export { eventObject } from './apply.js';
export { observe } from './observe.js';
