export { MeteredStream } from './metered-stream.js';
export { usageOfNativeBody, usageOfNativeJson } from './native-usage.js';
export type { UsageMeterOptions, UsageSink } from './usage-meter.js';
export { UsageMeter } from './usage-meter.js';
