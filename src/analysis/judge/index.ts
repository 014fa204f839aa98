/**
 * The statistical judge: anytime-valid canary-vs-stable tests for error rates and latency (docs/judge.md),
 * plus a seeded traffic simulator for benchmarks. Everything here is pure.
 */
export { DEFAULT_JUDGE_CONFIG, resolveJudgeConfig } from './config.js';
export type { JudgeConfig, JudgeConfigInput, LatencyConfig } from './config.js';
export { evaluateJudge, initJudgeState, stepJudge, updateJudge } from './judge.js';
export type {
  ArmObservation,
  JudgeBatch,
  JudgeCounts,
  JudgeEstimates,
  JudgeEvidence,
  JudgeState,
  JudgeStateParams,
  JudgeUpdate,
  JudgeVerdict,
} from './judge.js';
export { addToTotals, batchFromTotals } from './totals.js';
export { histogramOf } from './latency-histogram.js';
export type { LatencyHistogram } from './latency-histogram.js';
export type { ArmTotals, JudgeTotals } from './totals.js';
export { mulberry32, sampleBinomial, sampleNormal, samplePoisson } from './prng.js';
export type { Random } from './prng.js';
export { mergeBatches, sampleLatency, simulateSecond, simulateTraffic, weightAt, withHistograms } from './simulate.js';
export type { ArmBehaviour, LatencyDistribution, SimulatedSecond, TrafficScenario, WeightStep } from './simulate.js';
export { batchFromReadings } from './readings.js';
export type { ArmReading, CumulativeHistogram, JudgeReading } from './readings.js';
export { judgeResultOf } from './result.js';
export type { JudgeArmResult, JudgeResult } from './result.js';
export { describeJudgeResult, formatEvidence, parseJudgeResult } from './describe.js';
export {
  appendToTrail,
  createTrailCodec,
  decodeTrail,
  DEFAULT_TRAIL_LIMITS,
  encodeTrail,
  thinTrail,
  TRAIL_METADATA_KEY,
  trailDriverOf,
  trailPeakIndex,
  trailPointOf,
} from './trail.js';
export type { EvidenceTrail, TrailCodec, TrailLimits, TrailPoint } from './trail.js';
