import { describe, expect, it } from 'vitest';
import { LakegateError } from '../../core/index.js';
import { parseSidecarMetadata } from './sidecar-metadata.js';

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

function failure(bytes: Uint8Array): LakegateError {
  try {
    parseSidecarMetadata(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(LakegateError);
    expect((error as LakegateError).code).toBe('VALIDATION_FAILED');
    return error as LakegateError;
  }
  throw new Error('accepted');
}

describe('parseSidecarMetadata', () => {
  it("reads Bedrock's plain form", () => {
    const attributes = { department: 'claims', year: 2024, public: false, tags: ['water', 'kitchen'] };
    expect(parseSidecarMetadata(json({ metadataAttributes: attributes }))).toEqual(attributes);
  });

  it("reads Bedrock's typed form, ignoring includeForEmbedding", () => {
    const typed = {
      metadataAttributes: {
        department: { value: { type: 'STRING', stringValue: 'claims' }, includeForEmbedding: true },
        year: { value: { type: 'NUMBER', numberValue: 2024 }, includeForEmbedding: false },
        public: { value: { type: 'BOOLEAN', booleanValue: true } },
        tags: { value: { type: 'STRING_LIST', stringListValue: ['a', 'b'] }, includeForEmbedding: true },
      },
    };
    expect(parseSidecarMetadata(json(typed))).toEqual({
      department: 'claims',
      year: 2024,
      public: true,
      tags: ['a', 'b'],
    });
  });

  it('accepts a BOM and an empty attribute set', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...json({ metadataAttributes: {} })]);
    expect(parseSidecarMetadata(bytes)).toEqual({});
  });

  it('rejects what is not a sidecar, naming the attribute', () => {
    expect(failure(new TextEncoder().encode('{"metadataAttributes": ')).message).toContain('not JSON');
    expect(failure(json({ attributes: {} })).details.field).toBe('metadataAttributes');
    expect(failure(json({ metadataAttributes: [] })).details.field).toBe('metadataAttributes');
    expect(failure(json({ metadataAttributes: { nested: { a: 1 } } })).details.field).toBe(
      'metadataAttributes.nested',
    );
    expect(failure(json({ metadataAttributes: { mixed: ['a', 1] } })).details.field).toBe(
      'metadataAttributes.mixed',
    );
    expect(failure(json({ metadataAttributes: { nothing: null } })).details.field).toBe(
      'metadataAttributes.nothing',
    );
    const wrongType = { metadataAttributes: { year: { value: { type: 'NUMBER', stringValue: '2024' } } } };
    expect(failure(json(wrongType)).details.field).toBe('metadataAttributes.year');
  });

  it("keeps Bedrock's 10 KB limit", () => {
    const big = json({ metadataAttributes: { text: 'x'.repeat(10 * 1024) } });
    expect(failure(big).message).toContain('limit');
  });
});
