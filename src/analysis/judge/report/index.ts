/**
 * A second public face of the judge: reading what a judge wrote on an AnalysisRun (its result, its evidence trail)
 * and the text that describes it. `src/info` (the view model of the CLI, the API and the dashboard) needs only
 * these; importing `../index.ts` would also load the judge's statistics and traffic simulator, about ten modules the
 * CLI pays for at every start. The same functions as `../index.ts` exports, not a copy.
 */
export { describeJudgeResult, formatEvidence, parseJudgeResult } from '../describe.js';
export { decodeTrail, TRAIL_METADATA_KEY } from '../trail.js';
