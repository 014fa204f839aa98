/** Operations for the CLI and the HTTP API: rollout operations write intent (the controller acts); delete. */
export {
  abort,
  pause,
  promote,
  restart,
  resume,
  retry,
  setImage,
  undo,
  type PromoteOptions,
  type RestartOptions,
  type UndoOptions,
} from './rollout.js';
export {
  deleteObject,
  parsePropagationPolicy,
  PROPAGATION_POLICIES,
  type DeleteResult,
  type PropagationPolicy,
} from './delete.js';
