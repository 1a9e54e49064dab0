import { describe, expect, it } from 'vitest';
import { sanitizeGeminiSchema } from './sanitize-gemini-schema.js';

describe('sanitizeGeminiSchema', () => {
  it('keeps what Gemini accepts and reports every stripped keyword by path', () => {
    const { schema, stripped } = sanitizeGeminiSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        kind: { const: 'claim' },
        tags: { type: 'array', items: { type: 'string', $comment: 'x' }, uniqueItems: true },
        amount: { type: 'number', minimum: 0, exclusiveMaximum: 1e6 },
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] },
        either: { anyOf: [{ type: 'string' }, { type: 'integer', multipleOf: 2 }] },
        mixed: { type: ['string', 'number', 'null'] },
        $ref: { type: 'string' },
      },
      required: ['kind'],
      additionalProperties: false,
      $defs: { unused: { type: 'string' } },
    });
    expect(schema).toEqual({
      type: 'object',
      properties: {
        kind: { enum: ['claim'], type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        amount: { type: 'number', minimum: 0 },
        pair: { type: 'array' },
        either: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        mixed: { anyOf: [{ type: 'string' }, { type: 'number' }], nullable: true },
        // A property may be called anything, even a keyword's name.
        $ref: { type: 'string' },
      },
      required: ['kind'],
    });
    expect(stripped).toEqual([
      '$schema',
      'properties.tags.items.$comment',
      'properties.tags.uniqueItems',
      'properties.amount.exclusiveMaximum',
      'properties.pair.items',
      'properties.either.anyOf.1.multipleOf',
      'additionalProperties',
      '$defs',
    ]);
  });

  it('leaves an accepted schema untouched', () => {
    const input = {
      type: 'object',
      properties: { q: { type: 'string', description: 'query' } },
      required: ['q'],
    };
    expect(sanitizeGeminiSchema(input)).toEqual({ schema: input, stripped: [] });
  });
});
