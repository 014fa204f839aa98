/**
 * The AnalysisRun controller (imperative shell around `src/analysis/engine`) and the single-pass function it shares
 * with `kanary analyze`.
 */
export { AnalysisRunController, type AnalysisRunControllerOptions } from './controller.js';
export { runAnalysisPass, type AnalysisPassOptions, type AnalysisPassResult, type MeasurementEvent } from './pass.js';
export { readSecretArgs } from './secrets.js';
