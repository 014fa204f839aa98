export * from './errors.js';
export { kindByName, resolveKind, RESOURCE_KINDS } from './resources.js';
export type { ResourceKind } from './resources.js';
