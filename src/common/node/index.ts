/**
 * The Node-only part of the shared helpers (files, crypto). Kept out of `src/common/index.ts` so that the
 * dashboard, which imports the common errors, bundles no Node module.
 */
export { loadOrCreateTokenFile, readTokenFile } from './token.js';
