// Registered models and their versions as Unity Catalog OSS shows them (RegisteredModelInfo,
// ModelVersionInfo), with Databricks' `aliases` on both.

import type { ModelVersion, Securable } from '../../catalog/index.js';
import type { PrincipalNames } from './principal-names.js';
import { auditFields, epochMs, nameParts, stringDetail } from './wire-common.js';

export interface ModelAlias {
  alias_name: string;
  version_num: number;
}

export function aliasesOf(versions: readonly ModelVersion[]): ModelAlias[] {
  return versions
    .flatMap((v) => v.aliases.map((alias) => ({ alias_name: alias, version_num: v.version })))
    .sort((a, b) => (a.alias_name < b.alias_name ? -1 : a.alias_name > b.alias_name ? 1 : 0));
}

export async function toRegisteredModelInfo(
  model: Securable,
  versions: readonly ModelVersion[],
  names: PrincipalNames,
) {
  return {
    id: model.id,
    ...nameParts(model),
    full_name: model.fullName,
    comment: model.comment,
    storage_location: stringDetail(model, 'storage_location'),
    aliases: aliasesOf(versions),
    ...(await auditFields(model, names)),
  };
}

export async function toModelVersionInfo(version: ModelVersion, names: PrincipalNames) {
  const [catalog = '', schema = '', model = ''] = version.modelFullName.split('.');
  return {
    model_name: model,
    catalog_name: catalog,
    schema_name: schema,
    version: version.version,
    source: version.source,
    status: version.status,
    comment: version.comment,
    aliases: version.aliases.map((alias) => ({ alias_name: alias, version_num: version.version })),
    created_at: epochMs(version.createdAt),
    created_by: await names.name(version.createdBy),
  };
}
