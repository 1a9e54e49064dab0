// Bedrock's `<file>.metadata.json` sidecar gives a document filterable attributes. Both of Bedrock's forms are
// accepted: the plain one ({"year": 2024}) and the typed one ({"year": {"value": {"type": "NUMBER",
// "numberValue": 2024}, "includeForEmbedding": true}}), which S3 data sources use.
import { z } from 'zod';
import { isRecord, LakegateError, safeParseJson } from '../../core/index.js';
import { decodeText } from './decode-text.js';

export type SidecarValue = string | number | boolean | string[];

/** Bedrock rejects metadata files above 10 KB; we keep the same limit so a sidecar that works there works here. */
export const MAX_SIDECAR_BYTES = 10 * 1024;

const plainValue = z.union([z.string(), z.number().finite(), z.boolean(), z.array(z.string())]);

const typedValue = z.strictObject({
  value: z.discriminatedUnion('type', [
    z.object({ type: z.literal('STRING'), stringValue: z.string() }),
    z.object({ type: z.literal('NUMBER'), numberValue: z.number().finite() }),
    z.object({ type: z.literal('BOOLEAN'), booleanValue: z.boolean() }),
    z.object({ type: z.literal('STRING_LIST'), stringListValue: z.array(z.string()) }),
  ]),
  includeForEmbedding: z.boolean().optional(),
});

function invalid(reason: string, field?: string): LakegateError {
  return new LakegateError('VALIDATION_FAILED', `Invalid metadata file: ${reason}`, {
    details: field === undefined ? { reason } : { reason, field },
  });
}

function typedToPlain(value: z.infer<typeof typedValue>['value']): SidecarValue {
  switch (value.type) {
    case 'STRING':
      return value.stringValue;
    case 'NUMBER':
      return value.numberValue;
    case 'BOOLEAN':
      return value.booleanValue;
    case 'STRING_LIST':
      return value.stringListValue;
  }
}

/** The attributes of a `<file>.metadata.json` sidecar; VALIDATION_FAILED naming the offending attribute. */
export function parseSidecarMetadata(bytes: Uint8Array): Record<string, SidecarValue> {
  if (bytes.byteLength > MAX_SIDECAR_BYTES) {
    throw invalid(`it is ${bytes.byteLength} bytes; the limit is ${MAX_SIDECAR_BYTES}`);
  }
  const parsed = safeParseJson(decodeText(bytes));
  if (!parsed.ok) throw invalid(`not JSON (${parsed.error})`);
  if (!isRecord(parsed.value) || !isRecord(parsed.value.metadataAttributes)) {
    throw invalid('expected an object {"metadataAttributes": {...}}', 'metadataAttributes');
  }
  const attributes: Record<string, SidecarValue> = {};
  for (const [key, raw] of Object.entries(parsed.value.metadataAttributes)) {
    const field = `metadataAttributes.${key}`;
    if (key.trim() === '') throw invalid('an attribute name is empty', field);
    const plain = plainValue.safeParse(raw);
    if (plain.success) {
      attributes[key] = plain.data;
      continue;
    }
    const typed = typedValue.safeParse(raw);
    if (!typed.success) {
      throw invalid(
        `'${key}' must be a string, number, boolean, list of strings or {"value": {"type": ..., ...}}`,
        field,
      );
    }
    attributes[key] = typedToPlain(typed.data.value);
  }
  return attributes;
}
