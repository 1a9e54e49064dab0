// Pieces every wire object shares: epoch-millisecond times, owner and audit names, properties.

import type { Securable } from '../../catalog/index.js';
import { isRecord } from '../../core/index.js';
import type { PrincipalNames } from './principal-names.js';

export function epochMs(iso: string): number;
export function epochMs(iso: string | null): number | null;
export function epochMs(iso: string | null): number | null {
  return iso === null ? null : Date.parse(iso);
}

export interface AuditFields {
  owner: string;
  created_at: number;
  created_by: string | null;
  updated_at: number;
  updated_by: string | null;
}

export async function auditFields(securable: Securable, names: PrincipalNames): Promise<AuditFields> {
  const [owner, createdBy, updatedBy] = await Promise.all([
    names.name(securable.ownerId),
    names.name(securable.createdBy),
    names.name(securable.updatedBy),
  ]);
  return {
    owner,
    created_at: epochMs(securable.createdAt),
    created_by: createdBy,
    updated_at: epochMs(securable.updatedAt),
    updated_by: updatedBy,
  };
}

/** Unity Catalog's `properties`: a map of strings, kept in the securable's details. */
export function propertiesOf(securable: Securable): Record<string, string> {
  const properties = securable.details.properties;
  if (!isRecord(properties)) return {};
  return Object.fromEntries(
    Object.entries(properties).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

export function stringDetail(securable: Securable, key: string): string | null {
  const value = securable.details[key];
  return typeof value === 'string' ? value : null;
}

/** `catalog.schema.name` -> its three parts, for wire objects that spell them out. */
export function nameParts(securable: Securable): { catalog_name: string; schema_name: string; name: string } {
  const [catalog = '', schema = '', name = securable.name] = securable.fullName.split('.');
  return { catalog_name: catalog, schema_name: schema, name };
}
