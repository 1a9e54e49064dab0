// The catalog's securables behind one service: every method takes the acting principal first and
// authorises itself, so each surface (REST, CLI, console) stays a thin translation.

import { GenerationCache } from '../identity/generation-cache.js';
import type { Actor, SchemaObjectType, Securable, SecurableType } from '../model.js';
import * as create from './create-securable.js';
import * as manage from './manage-securable.js';
import * as models from './model-versions.js';
import * as permissions from './permissions.js';
import * as policies from './policies.js';
import * as read from './read-securable.js';
import type { SecurableServiceOptions, ServiceContext } from './service-context.js';
import * as tags from './tags.js';

export class SecurableService {
  private readonly ctx: ServiceContext;

  constructor(options: SecurableServiceOptions) {
    this.ctx = { ...options, securableRows: new GenerationCache() };
  }

  // Securables.
  ensureMetastore(adminId: string): Promise<Securable> {
    return create.ensureMetastore(this.ctx, adminId);
  }
  createCatalog(actor: Actor, name: string, options?: create.CreateOptions): Promise<Securable> {
    return create.createCatalog(this.ctx, actor, name, options);
  }
  createSchema(actor: Actor, fullName: string, options?: create.CreateOptions): Promise<Securable> {
    return create.createSchema(this.ctx, actor, fullName, options);
  }
  createObject(
    actor: Actor,
    type: SchemaObjectType,
    fullName: string,
    options?: create.CreateOptions,
  ): Promise<Securable> {
    return create.createObject(this.ctx, actor, type, fullName, options);
  }
  createServingEndpoint(actor: Actor, name: string, options?: create.CreateOptions): Promise<Securable> {
    return create.createServingEndpoint(this.ctx, actor, name, options);
  }
  ensureServingEndpoint(adminId: string, name: string): Promise<Securable> {
    return create.ensureServingEndpoint(this.ctx, adminId, name);
  }
  get(actor: Actor, type: SecurableType, fullName: string): Promise<Securable> {
    return read.getSecurable(this.ctx, actor, type, fullName);
  }
  list(actor: Actor, type: SecurableType, parentFullName?: string): Promise<Securable[]> {
    return read.listSecurables(this.ctx, actor, type, parentFullName);
  }
  update(
    actor: Actor,
    type: SecurableType,
    fullName: string,
    update: manage.UpdateOptions,
  ): Promise<Securable> {
    return manage.updateSecurable(this.ctx, actor, type, fullName, update);
  }
  delete(actor: Actor, type: SecurableType, fullName: string, options?: manage.DeleteOptions): Promise<void> {
    return manage.deleteSecurable(this.ctx, actor, type, fullName, options);
  }
  transferOwnership(
    actor: Actor,
    type: SecurableType,
    fullName: string,
    newOwnerId: string,
  ): Promise<Securable> {
    return manage.transferOwnership(this.ctx, actor, type, fullName, newOwnerId);
  }

  // Grants.
  getPermissions(
    actor: Actor,
    type: SecurableType,
    fullName: string,
    options?: { principal?: string },
  ): Promise<permissions.PermissionsList> {
    return permissions.getPermissions(this.ctx, actor, type, fullName, options);
  }
  updatePermissions(
    actor: Actor,
    type: SecurableType,
    fullName: string,
    changes: readonly permissions.PermissionChange[],
  ): Promise<permissions.PermissionsList> {
    return permissions.updatePermissions(this.ctx, actor, type, fullName, changes);
  }

  // Row filters, column masks and tags.
  setRowFilter(actor: Actor, tableFullName: string, expression: string): Promise<void> {
    return policies.setRowFilter(this.ctx, actor, tableFullName, expression);
  }
  dropRowFilter(actor: Actor, tableFullName: string): Promise<void> {
    return policies.dropRowFilter(this.ctx, actor, tableFullName);
  }
  setColumnMask(actor: Actor, tableFullName: string, column: string, expression: string): Promise<void> {
    return policies.setColumnMask(this.ctx, actor, tableFullName, column, expression);
  }
  dropColumnMask(actor: Actor, tableFullName: string, column: string): Promise<void> {
    return policies.dropColumnMask(this.ctx, actor, tableFullName, column);
  }
  getPolicies(actor: Actor, tableFullName: string): Promise<policies.TablePolicies> {
    return policies.getPolicies(this.ctx, actor, tableFullName);
  }
  setTags(
    actor: Actor,
    type: SecurableType,
    fullName: string,
    values: Record<string, string>,
    column?: string,
  ): Promise<void> {
    return tags.setTags(this.ctx, actor, type, fullName, values, column);
  }
  removeTags(
    actor: Actor,
    type: SecurableType,
    fullName: string,
    keys: readonly string[],
    column?: string,
  ): Promise<void> {
    return tags.removeTags(this.ctx, actor, type, fullName, keys, column);
  }
  getTags(actor: Actor, type: SecurableType, fullName: string): Promise<tags.SecurableTags> {
    return tags.getTags(this.ctx, actor, type, fullName);
  }

  // Model versions and aliases.
  createModelVersion(
    actor: Actor,
    modelFullName: string,
    options?: models.CreateModelVersionOptions,
  ): Promise<number> {
    return models.createModelVersion(this.ctx, actor, modelFullName, options);
  }
  listModelVersions(actor: Actor, modelFullName: string): Promise<models.ModelVersion[]> {
    return models.listModelVersions(this.ctx, actor, modelFullName);
  }
  getModelVersion(actor: Actor, modelFullName: string, version: number): Promise<models.ModelVersion> {
    return models.getModelVersion(this.ctx, actor, modelFullName, version);
  }
  setAlias(actor: Actor, modelFullName: string, alias: string, version: number): Promise<void> {
    return models.setAlias(this.ctx, actor, modelFullName, alias, version);
  }
  deleteModelVersion(actor: Actor, modelFullName: string, version: number): Promise<void> {
    return models.deleteModelVersion(this.ctx, actor, modelFullName, version);
  }
  deleteAlias(actor: Actor, modelFullName: string, alias: string): Promise<void> {
    return models.deleteAlias(this.ctx, actor, modelFullName, alias);
  }
  /** `cat.sch.model@alias`, `cat.sch.model@3`, or `cat.sch.model` (latest). */
  resolveModelVersion(actor: Actor, reference: string): Promise<models.ModelVersion> {
    return models.resolveModelVersion(this.ctx, actor, reference);
  }
}
