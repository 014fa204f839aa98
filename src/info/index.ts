/**
 * The Rollout view model shared by the CLI, the HTTP API and the dashboard. Free of runtime imports beyond its own
 * files and the judge's pure result reader (no Node, no zod), so the dashboard bundles it as is.
 */
export { toRolloutInfo, phaseOf } from './rollout-info.js';
export { humanDuration, ageSeconds } from './duration.js';
export { statusIcon, toneOf, KIND_ICONS, type Tone } from './icons.js';
export { thresholdsOf, firstNumber } from './thresholds.js';
export {
  DEFAULT_JUDGE_ALPHA,
  judgeAlphaOf,
  judgeChartPoints,
  judgeMetricInfo,
  judgeTrailOf,
  providerOf,
} from './judge.js';
export { formatEvidence } from '../analysis/judge/report/index.js';
export { MeasurementHistory, HISTORY_LIMIT } from './history.js';
export type * from './types.js';
export { InfoCache, INFO_KINDS, type CacheEvent, type InfoKind } from './cache.js';
