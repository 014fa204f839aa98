export { createApiApp } from './app.js';
export type { ApiOptions } from './app.js';
export { checkBearer, loadOrCreateToken, readToken, TOKEN_FILE } from './auth.js';
export { kindByName, resolveKind, RESOURCE_KINDS } from './resources.js';
export type { ResourceKind } from './resources.js';
export { mountOperations, OPERATIONS } from './operations.js';
