export { KanaryClient, type DeleteResponse } from './client.js';
export { defaultStateDir, readServerInfo, resolveConnection, SERVER_FILE } from './config.js';
export type { Connection, ServerInfo } from './config.js';
