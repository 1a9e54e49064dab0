import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema, type LakegateConfig, LakegateError, parseConfig } from '../core/index.js';

/** The config file named by flag or LAKEGATE_CONFIG (which must exist), else ./lakegate.yaml if present. */
export function loadConfig(explicitPath: string | undefined): { config: LakegateConfig; source?: string } {
  const path = explicitPath ?? (existsSync('lakegate.yaml') ? 'lakegate.yaml' : undefined);
  if (!path) return { config: configSchema.parse({}) };
  const absolute = resolve(path);
  if (!existsSync(absolute))
    throw new LakegateError('CONFIG_INVALID', `The config file ${absolute} does not exist.`);
  return { config: parseConfig(readFileSync(absolute, 'utf8'), path), source: absolute };
}
