import type { z } from 'zod';
import { safeParseJson, validationError } from '../../core/index.js';

/** Validates a value against a zod schema; the error names the path of the first bad fields. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, path = ''): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 3).map((issue) => {
    const where = [path, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  throw validationError(`Invalid request: ${problems.join('; ')}`, {
    issues: result.error.issues.map((i) => ({
      path: [path, ...i.path.map(String)].filter(Boolean).join('.'),
      message: i.message,
    })),
  });
}

/** The body as JSON, or a validation error that says it is not JSON. */
export function jsonBody(body: Buffer | undefined): unknown {
  if (!body || body.length === 0)
    throw validationError('The request body is empty; a JSON object is expected.');
  const parsed = safeParseJson(body.toString('utf8'));
  if (!parsed.ok) throw validationError(`The request body is not valid JSON: ${parsed.error}`);
  return parsed.value;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeBase64(value: string, path: string): Uint8Array {
  const compact = value.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !BASE64.test(compact)) throw validationError(`${path}: not valid base64.`);
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
