/**
 * `kanary demo` and the seed journeys: the seed article's whole story on the embedded default (local cluster,
 * router, sample app, load, a real Prometheus when there is one), narrated, with a summary.
 */
export { runDemo, type DemoOptions, type DemoReport, type RolloutOutcome } from './story.js';
export { renderReport } from './report.js';
export {
  startSeedEnvironment,
  applyObject,
  waitFor,
  type SeedEnvironment,
  type SeedEnvironmentOptions,
} from './environment.js';
export {
  DEMO_TIMING,
  FAULTY_ERROR_RATE,
  FAULTY_IMAGE,
  FAULTY_TAG,
  GOOD_IMAGE,
  JUDGE_METRIC_NAME,
  JUDGE_TEMPLATE_NAME,
  judgeTemplate,
  ROUTER_METRIC_PROVIDER,
  ROUTER_SUCCESS_CONDITION,
  SEED_MANIFESTS_DIR,
  SEED_NAMESPACE,
  SEED_REPOSITORY,
  SEED_ROLLOUT,
  demoImageMap,
  seedObjects,
  type AnalysisSource,
  type DemoTiming,
} from './manifests.js';
export { findPrometheus, prometheusConfig, startPrometheus, type DemoPrometheus } from './prometheus.js';
export {
  RolloutObserver,
  viewOf,
  describe as describeRollout,
  type ObservedEvent,
  type RolloutView,
} from './observer.js';
export { SplitTally, withinBinomialBound, SETTLE_MS, type SecondSample, type WeightSplit } from './split.js';
export { withClusterLock } from './testing.js';
