// The body of POST /api/2.0/sql/statements, strict (an unknown field is refused, never dropped). Fields
// Databricks clients send that have one meaning here are accepted: warehouse_id (there is one engine),
// disposition INLINE and format JSON_ARRAY.

import { z } from 'zod';

const name = z.string().min(1).max(255);

export const submitStatementBody = z.strictObject({
  statement: z
    .string()
    .min(1)
    .max(1024 * 1024),
  warehouse_id: z.string().max(255).optional(),
  catalog: name.optional(),
  schema: name.optional(),
  parameters: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(128),
        value: z.string().nullable().optional(),
        type: z.string().min(1).max(64).optional(),
      }),
    )
    .max(256)
    .optional(),
  wait_timeout: z
    .string()
    .regex(/^\d{1,2}s$/, 'must be like "10s"')
    .refine(
      (v) => v === '0s' || (Number.parseInt(v, 10) >= 5 && Number.parseInt(v, 10) <= 50),
      'must be 0s, or 5s to 50s',
    )
    .optional(),
  on_wait_timeout: z.enum(['CONTINUE', 'CANCEL']).optional(),
  row_limit: z.number().int().min(0).optional(),
  byte_limit: z.number().int().min(0).optional(),
  disposition: z.literal('INLINE', { message: 'only INLINE results are supported' }).optional(),
  format: z.literal('JSON_ARRAY', { message: 'only JSON_ARRAY results are supported' }).optional(),
});
