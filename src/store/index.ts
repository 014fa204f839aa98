/**
 * The store: the ResourceStore interface, its in-memory and SQLite implementations, and the contract suite every
 * implementation runs.
 */
import type { ContractHints, StoreUnderTest } from './contract.js';

export type {
  DeleteOptions,
  ListOptions,
  ListResult,
  PatchOptions,
  ResourceStore,
  WatchEvent,
  WatchEventType,
  WatchOptions,
} from './types.js';
export type { StoreOptions } from './backed-store.js';
export { MemoryStore, type MemoryStoreOptions } from './memory.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite.js';
export { applyMergePatch } from './json.js';
export type { ContractHints, StoreUnderTest } from './contract.js';

/**
 * Registers the shared ResourceStore contract suite (vitest `describe`/`it`) for one implementation. Call it at the
 * top level of a test file: `await runStoreContract('name', (hints) => makeStore(hints))`. The suite is loaded
 * lazily so that production code importing this index never loads vitest (a dev dependency).
 */
export async function runStoreContract(
  name: string,
  makeStore: (hints: ContractHints) => Promise<StoreUnderTest>,
): Promise<void> {
  const contract = await import('./contract.js');
  contract.runStoreContract(name, makeStore);
}
