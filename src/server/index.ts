export { createApiApp } from './app.js';
export type { ApiOptions } from './app.js';
export { checkBearer, loadOrCreateToken, readToken, TOKEN_FILE } from './auth.js';
export { kindByName, resolveKind, RESOURCE_KINDS } from './resources.js';
export type { ResourceKind } from './resources.js';
export { mountOperations, OPERATIONS } from './operations.js';
export { mountInfo, rolloutInfo, rolloutInfos } from './info.js';
export { DASHBOARD_DIST_DIR, mountDashboard } from './dashboard.js';
