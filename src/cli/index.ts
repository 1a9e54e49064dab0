export type { CliIo, Writer } from './command-context.js';
export { main } from './main.js';
