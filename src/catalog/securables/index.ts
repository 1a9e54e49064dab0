export type { CreateOptions } from './create-securable.js';
export type { DeleteOptions, UpdateOptions } from './manage-securable.js';
export type { CreateModelVersionOptions, ModelVersion } from './model-versions.js';
export type {
  PermissionChange,
  PermissionsList,
  PrivilegeAssignment,
} from './permissions.js';
export { wirePrivilege } from './permissions.js';
export type { ColumnMask, RowFilter, TablePolicies } from './policies.js';
export type { ParsedName } from './securable-name.js';
export { isSchemaObjectType, METASTORE_NAME, parseSecurableName } from './securable-name.js';
export { SecurableService } from './securable-service.js';
export type { ChangeEvent, SecurableServiceOptions } from './service-context.js';
export type { SecurableTags } from './tags.js';
