// The errors of a refused request. Someone who cannot see a securable learns nothing about whether it
// exists: missing and invisible give the same NOT_FOUND, worded as Unity Catalog words it.

import { LakegateError } from '../../core/index.js';
import type { SecurableType } from '../model.js';

const LABELS: Record<SecurableType, string> = {
  metastore: 'Metastore',
  catalog: 'Catalog',
  schema: 'Schema',
  table: 'Table',
  view: 'View',
  volume: 'Volume',
  function: 'Function',
  model: 'Model',
  vector_index: 'Vector index',
  knowledge_base: 'Knowledge base',
  guardrail: 'Guardrail',
  prompt: 'Prompt',
  agent: 'Agent',
  serving_endpoint: 'Serving endpoint',
};

export function securableLabel(type: SecurableType): string {
  return LABELS[type];
}

export function notFoundError(type: SecurableType | undefined, fullName: string): LakegateError {
  const label = type ? LABELS[type] : 'Securable';
  return new LakegateError(
    'NOT_FOUND',
    `${label} '${fullName}' does not exist or you do not have permission.`,
    {
      details: { securable_type: type ?? null, full_name: fullName },
    },
  );
}

export function permissionDeniedError(
  actorName: string,
  what: string,
  type: SecurableType,
  fullName: string,
): LakegateError {
  return new LakegateError(
    'AUTH_PERMISSION_DENIED',
    `User '${actorName}' does not have ${what} on ${LABELS[type].toLowerCase()} '${fullName}'.`,
    { details: { securable_type: type, full_name: fullName, privilege: what } },
  );
}
