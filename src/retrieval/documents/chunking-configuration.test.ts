import { describe, expect, it } from 'vitest';
import { LakegateError } from '../../core/index.js';
import { DEFAULT_CHUNKING, parseChunkingConfiguration } from './chunking-configuration.js';

function failure(raw: unknown): LakegateError {
  try {
    parseChunkingConfiguration(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(LakegateError);
    expect((error as LakegateError).code).toBe('VALIDATION_FAILED');
    return error as LakegateError;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('parseChunkingConfiguration', () => {
  it("accepts Bedrock's four strategies as Bedrock writes them", () => {
    const valid = [
      DEFAULT_CHUNKING,
      {
        chunkingStrategy: 'FIXED_SIZE',
        fixedSizeChunkingConfiguration: { maxTokens: 8192, overlapPercentage: 99 },
      },
      {
        chunkingStrategy: 'HIERARCHICAL',
        hierarchicalChunkingConfiguration: {
          levelConfigurations: [{ maxTokens: 1500 }, { maxTokens: 300 }],
          overlapTokens: 60,
        },
      },
      {
        chunkingStrategy: 'SEMANTIC',
        semanticChunkingConfiguration: { maxTokens: 300, bufferSize: 0, breakpointPercentileThreshold: 95 },
      },
      { chunkingStrategy: 'NONE' },
    ];
    for (const raw of valid) expect(parseChunkingConfiguration(raw)).toEqual(raw);
  });

  it('defaults to ~300-token fixed-size chunks with 20 % overlap', () => {
    expect(DEFAULT_CHUNKING).toEqual({
      chunkingStrategy: 'FIXED_SIZE',
      fixedSizeChunkingConfiguration: { maxTokens: 300, overlapPercentage: 20 },
    });
  });

  it.each([
    [
      {
        chunkingStrategy: 'FIXED_SIZE',
        fixedSizeChunkingConfiguration: { maxTokens: 0, overlapPercentage: 20 },
      },
      'fixedSizeChunkingConfiguration.maxTokens',
    ],
    [
      {
        chunkingStrategy: 'FIXED_SIZE',
        fixedSizeChunkingConfiguration: { maxTokens: 8193, overlapPercentage: 20 },
      },
      'fixedSizeChunkingConfiguration.maxTokens',
    ],
    [
      {
        chunkingStrategy: 'FIXED_SIZE',
        fixedSizeChunkingConfiguration: { maxTokens: 300, overlapPercentage: 100 },
      },
      'fixedSizeChunkingConfiguration.overlapPercentage',
    ],
    [
      {
        chunkingStrategy: 'FIXED_SIZE',
        fixedSizeChunkingConfiguration: { maxTokens: 30.5, overlapPercentage: 20 },
      },
      'fixedSizeChunkingConfiguration.maxTokens',
    ],
    [{ chunkingStrategy: 'FIXED_SIZE' }, 'fixedSizeChunkingConfiguration'],
    [
      {
        chunkingStrategy: 'SEMANTIC',
        semanticChunkingConfiguration: { maxTokens: 300, bufferSize: 2, breakpointPercentileThreshold: 95 },
      },
      'semanticChunkingConfiguration.bufferSize',
    ],
    [
      {
        chunkingStrategy: 'SEMANTIC',
        semanticChunkingConfiguration: { maxTokens: 300, bufferSize: 0, breakpointPercentileThreshold: 49 },
      },
      'semanticChunkingConfiguration.breakpointPercentileThreshold',
    ],
    [
      {
        chunkingStrategy: 'HIERARCHICAL',
        hierarchicalChunkingConfiguration: { levelConfigurations: [{ maxTokens: 300 }], overlapTokens: 60 },
      },
      'hierarchicalChunkingConfiguration.levelConfigurations',
    ],
    [
      {
        chunkingStrategy: 'HIERARCHICAL',
        hierarchicalChunkingConfiguration: {
          levelConfigurations: [{ maxTokens: 300 }, { maxTokens: 1500 }],
          overlapTokens: 60,
        },
      },
      'hierarchicalChunkingConfiguration.levelConfigurations[1].maxTokens',
    ],
    [
      {
        chunkingStrategy: 'HIERARCHICAL',
        hierarchicalChunkingConfiguration: {
          levelConfigurations: [{ maxTokens: 1500 }, { maxTokens: 300 }],
          overlapTokens: 300,
        },
      },
      'hierarchicalChunkingConfiguration.overlapTokens',
    ],
    [
      { chunkingStrategy: 'NONE', fixedSizeChunkingConfiguration: { maxTokens: 300, overlapPercentage: 20 } },
      'chunkingConfiguration',
    ],
    [{ chunkingStrategy: 'PAGE' }, 'chunkingStrategy'],
    ['FIXED_SIZE', 'chunkingConfiguration'],
  ])('rejects %j naming %s', (raw, field) => {
    const error = failure(raw);
    expect(String(error.details.field)).toContain(field);
    expect(error.message).toContain(field);
  });
});
