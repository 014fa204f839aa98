/**
 * Analysis: Argo's AnalysisRun arithmetic as a pure engine (`engine/`), the condition assessment of one measurement
 * (`evaluate.ts`), and the metric providers that take measurements (`providers/`, the imperative shell). The
 * statistical judge has its own face in `judge/index.ts`. See docs/analysis.md.
 */
export * from './engine/index.js';
export * from './providers/index.js';
export { evaluateResult, evaluateJsonResult, formatEvalError, type MeasurementPhase } from './evaluate.js';
