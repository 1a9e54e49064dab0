export { LoggedStream } from './logged-stream.js';
export type { PayloadLogOptions } from './payload-log.js';
export { PayloadLog } from './payload-log.js';
export type { LoggedResponse, PayloadRow, PayloadSink } from './payload-row.js';
export { requestJson, responseJson } from './payload-row.js';
