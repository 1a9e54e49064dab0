// Securables as Unity Catalog OSS shows them: CatalogInfo, SchemaInfo, TableInfo, VolumeInfo,
// FunctionInfo. What UC keeps in typed fields we keep in the securable's details (see the route files
// for what is stored); a table's columns also carry `type`, which is what the SQL layer reads.

import type { Securable } from '../../catalog/index.js';
import { isRecord } from '../../core/index.js';
import type { PrincipalNames } from './principal-names.js';
import { auditFields, nameParts, propertiesOf, stringDetail } from './wire-common.js';

export async function toCatalogInfo(catalog: Securable, names: PrincipalNames) {
  return {
    id: catalog.id,
    name: catalog.name,
    comment: catalog.comment,
    properties: propertiesOf(catalog),
    ...(await auditFields(catalog, names)),
  };
}

export async function toSchemaInfo(schema: Securable, names: PrincipalNames) {
  const [catalog = ''] = schema.fullName.split('.');
  return {
    schema_id: schema.id,
    name: schema.name,
    catalog_name: catalog,
    full_name: schema.fullName,
    comment: schema.comment,
    properties: propertiesOf(schema),
    ...(await auditFields(schema, names)),
  };
}

/** The UC column as it was sent: our own `type` copy stays inside. */
function wireColumns(table: Securable): Record<string, unknown>[] {
  const columns = table.details.columns;
  if (!Array.isArray(columns)) return [];
  return columns.filter(isRecord).map(({ type: _type, ...column }) => column);
}

export async function toTableInfo(table: Securable, names: PrincipalNames) {
  return {
    table_id: table.id,
    ...nameParts(table),
    full_name: table.fullName,
    table_type: table.type === 'view' ? 'VIEW' : (stringDetail(table, 'table_type') ?? 'MANAGED'),
    data_source_format: stringDetail(table, 'data_source_format'),
    columns: wireColumns(table),
    storage_location: stringDetail(table, 'storage_location'),
    comment: table.comment,
    properties: propertiesOf(table),
    ...(await auditFields(table, names)),
  };
}

export async function toVolumeInfo(volume: Securable, names: PrincipalNames) {
  return {
    volume_id: volume.id,
    ...nameParts(volume),
    full_name: volume.fullName,
    volume_type: stringDetail(volume, 'volume_type') ?? 'MANAGED',
    storage_location: stringDetail(volume, 'storage_location'),
    comment: volume.comment,
    ...(await auditFields(volume, names)),
  };
}

export async function toFunctionInfo(fn: Securable, names: PrincipalNames) {
  return {
    ...fn.details,
    function_id: fn.id,
    ...nameParts(fn),
    full_name: fn.fullName,
    comment: fn.comment,
    ...(await auditFields(fn, names)),
  };
}
