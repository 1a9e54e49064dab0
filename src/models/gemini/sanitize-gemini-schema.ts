// Gemini's function parameters take an OpenAPI-style subset of JSON Schema and reject the call when
// a schema holds anything else (additionalProperties, $schema, $ref, ...). We keep what it accepts,
// rewrite what it can express another way (type arrays, const), and report the rest as stripped.

import { isRecord } from '../../core/index.js';

const ACCEPTED = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'minimum',
  'maximum',
]);

// Keywords whose value is itself a schema: any other shape (a tuple `items`, say) is not Gemini's.
const SCHEMA_VALUED = new Set(['properties', 'items', 'anyOf']);

export interface SanitizedSchema {
  schema: Record<string, unknown>;
  /** Paths of the keywords removed, e.g. `$schema`, `properties.address.additionalProperties`. */
  stripped: string[];
}

export function sanitizeGeminiSchema(schema: Record<string, unknown>): SanitizedSchema {
  const stripped: string[] = [];
  return { schema: sanitizeNode(schema, '', stripped), stripped };
}

function sanitizeNode(
  node: Record<string, unknown>,
  path: string,
  stripped: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const here = `${path}${key}`;
    if (key === 'properties' && isRecord(value)) {
      const properties: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(value)) {
        properties[name] = isRecord(child) ? sanitizeNode(child, `${here}.${name}.`, stripped) : child;
      }
      out[key] = properties;
    } else if (key === 'items' && isRecord(value)) {
      out[key] = sanitizeNode(value, `${here}.`, stripped);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      out[key] = value.map((child, i) =>
        isRecord(child) ? sanitizeNode(child, `${here}.${i}.`, stripped) : child,
      );
    } else if (key === 'type' && Array.isArray(value)) {
      // JSON Schema's ["string", "null"] is Gemini's type + nullable.
      // Several types are an anyOf of one-type schemas.
      const types = value.filter((t) => t !== 'null');
      if (types.length < value.length) out['nullable'] = true;
      if (types.length === 1) out[key] = types[0];
      else if (types.length > 1 && !('anyOf' in node)) out['anyOf'] = types.map((type) => ({ type }));
      else stripped.push(here);
    } else if (key === 'const' && typeof value === 'string' && !('enum' in node)) {
      // Gemini has no const; a one-value string enum says the same.
      out['enum'] = [value];
      if (!('type' in node)) out['type'] = 'string';
    } else if (ACCEPTED.has(key) && !SCHEMA_VALUED.has(key)) {
      out[key] = value;
    } else {
      stripped.push(here);
    }
  }
  return out;
}
