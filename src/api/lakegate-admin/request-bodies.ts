// Request bodies of Lakegate's catalog additions, strict: a field we do not know is refused.

import { z } from 'zod';

export const createPrincipalBody = z.strictObject({
  name: z.string().min(1).max(255),
  kind: z.enum(['user', 'service', 'group']),
  display_name: z.string().max(255).nullable().optional(),
});

export const createKeyBody = z.strictObject({
  description: z.string().max(1000).optional(),
  /** ISO-8601, or epoch milliseconds. */
  expires_at: z.union([z.string().min(1).max(64), z.number().int().positive()]).optional(),
  sigv4: z.boolean().optional(),
});

export const expressionBody = z.strictObject({ expression: z.string().min(1).max(4096) });

export const setTagsBody = z.strictObject({
  tags: z.record(z.string(), z.string()),
  column: z.string().min(1).max(255).optional(),
});

export const ownershipBody = z.strictObject({ owner: z.string().min(1).max(255) });
