export type { RunningServer, ServerSettings } from './start-server.js';
export { startServer } from './start-server.js';
