/** Operations on Rollouts for the CLI and the HTTP API: they write intent, the controller acts on it. */
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
