/** Labels and annotations the Rollout controller reads and writes, spelled as Argo Rollouts spells them. */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';
export const SCALE_DOWN_DEADLINE_ANNOTATION = 'scale-down-deadline';
export const MANAGED_BY_ANNOTATION = 'argo-rollouts.argoproj.io/managed-by-rollouts';
export const ROLLOUT_TYPE_LABEL = 'rollout-type';
export const STEP_INDEX_LABEL = 'step-index';

/** Argo's defaults, as the resource model declares them. */
export {
  ARGOPROJ_API_VERSION,
  DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS,
  DEFAULT_MAX_TRAFFIC_WEIGHT,
  DEFAULT_NGINX_ANNOTATION_PREFIX,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  DEFAULT_REPLICAS,
  DEFAULT_REVISION_HISTORY_LIMIT,
  DEFAULT_SCALE_DOWN_DELAY_SECONDS,
  DEFAULT_SUCCESSFUL_RUN_HISTORY_LIMIT,
  DEFAULT_UNSUCCESSFUL_RUN_HISTORY_LIMIT,
} from '../api/index.js';
/** How often a restart re-checks availability before evicting the next pod (Argo: 30s). */
export const RESTART_RECHECK_MS = 30_000;
