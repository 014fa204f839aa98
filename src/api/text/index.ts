/**
 * A second public face of the resource model: its text helpers alone (Argo durations, YAML output).
 * `src/api/index.ts` loads every zod schema and the YAML parser (about 250 ms of CPU at start-up); a CLI verb that
 * only parses a `--timeout` flag or prints `-o yaml` imports this face instead and stays free of them. The same
 * functions as `src/api/index.ts` exports, not copies.
 */
export { formatDuration, parseDuration, tryParseDuration, type ParseDurationOptions } from '../duration.js';
export { serializeDocuments, toYaml } from '../yaml-text.js';
