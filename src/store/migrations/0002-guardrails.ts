// Guardrails: one row per guardrail (its Bedrock-style id and unique name, tied to its catalog securable)
// and one row per version of its policy, version 0 being the editable DRAFT and 1, 2, ... the immutable
// snapshots CreateGuardrailVersion takes. Deleting the securable deletes both (ON DELETE CASCADE).

import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('guardrails')
    .addColumn('securable_id', 'text', (c) => c.primaryKey().references('securables.id').onDelete('cascade'))
    .addColumn('guardrail_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('next_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('guardrail_versions')
    .addColumn('securable_id', 'text', (c) =>
      c.notNull().references('guardrails.securable_id').onDelete('cascade'),
    )
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('guardrail_versions_pk', ['securable_id', 'version'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('guardrail_versions').execute();
  await db.schema.dropTable('guardrails').execute();
}
