export type { ModelPrice, PricedTokens, PriceFile } from './price-table.js';
export { costOf, PriceTable } from './price-table.js';
export { UsageMetrics } from './usage-metrics.js';
export type { UsageOperation, UsageRecord, UsageStatus } from './usage-record.js';
export { startedUsageRecord, USAGE_OPERATIONS } from './usage-record.js';
export type { UsageDimension, UsageReportQuery, UsageReportRow } from './usage-report.js';
export { USAGE_DIMENSIONS } from './usage-report.js';
export type { UsageStoreOptions, UsageStoreStats } from './usage-store.js';
export { UsageStore } from './usage-store.js';
