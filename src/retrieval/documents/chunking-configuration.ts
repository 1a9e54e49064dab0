// Bedrock's ChunkingConfiguration with its field names and limits, so a knowledge base defined for Bedrock
// (CreateDataSource's vectorIngestionConfiguration.chunkingConfiguration) is accepted here unchanged.
import { z } from 'zod';
import { LakegateError } from '../../core/index.js';

export type ChunkingConfiguration =
  | {
      chunkingStrategy: 'FIXED_SIZE';
      fixedSizeChunkingConfiguration: { maxTokens: number; overlapPercentage: number };
    }
  | {
      chunkingStrategy: 'HIERARCHICAL';
      hierarchicalChunkingConfiguration: {
        levelConfigurations: [{ maxTokens: number }, { maxTokens: number }];
        overlapTokens: number;
      };
    }
  | {
      chunkingStrategy: 'SEMANTIC';
      semanticChunkingConfiguration: {
        maxTokens: number;
        bufferSize: number;
        breakpointPercentileThreshold: number;
      };
    }
  | { chunkingStrategy: 'NONE' };

/** Bedrock's default: chunks of at most ~300 tokens; we add 20 % overlap so an answer cut at a boundary survives. */
export const DEFAULT_CHUNKING: ChunkingConfiguration = {
  chunkingStrategy: 'FIXED_SIZE',
  fixedSizeChunkingConfiguration: { maxTokens: 300, overlapPercentage: 20 },
};

/** Bedrock's ceiling for any chunk size. */
export const MAX_CHUNK_TOKENS = 8192;

const tokens = z.number().int().min(1).max(MAX_CHUNK_TOKENS);

const fixedSize = z.strictObject({
  chunkingStrategy: z.literal('FIXED_SIZE'),
  fixedSizeChunkingConfiguration: z.strictObject({
    maxTokens: tokens,
    overlapPercentage: z.number().int().min(1).max(99),
  }),
});

const hierarchical = z.strictObject({
  chunkingStrategy: z.literal('HIERARCHICAL'),
  hierarchicalChunkingConfiguration: z
    .strictObject({
      levelConfigurations: z.tuple([
        z.strictObject({ maxTokens: tokens }),
        z.strictObject({ maxTokens: tokens }),
      ]),
      overlapTokens: z.number().int().min(1),
    })
    .superRefine((value, ctx) => {
      const [parent, child] = value.levelConfigurations;
      if (child.maxTokens > parent.maxTokens) {
        ctx.addIssue({
          code: 'custom',
          path: ['levelConfigurations', 1, 'maxTokens'],
          message: `the child size (${child.maxTokens}) must not exceed the parent size (${parent.maxTokens})`,
        });
      }
      if (value.overlapTokens >= child.maxTokens) {
        ctx.addIssue({
          code: 'custom',
          path: ['overlapTokens'],
          message: `must be smaller than the child size (${child.maxTokens})`,
        });
      }
    }),
});

const semantic = z.strictObject({
  chunkingStrategy: z.literal('SEMANTIC'),
  semanticChunkingConfiguration: z.strictObject({
    maxTokens: tokens,
    bufferSize: z.number().int().min(0).max(1),
    breakpointPercentileThreshold: z.number().int().min(50).max(99),
  }),
});

const none = z.strictObject({ chunkingStrategy: z.literal('NONE') });

const chunkingSchema = z.discriminatedUnion('chunkingStrategy', [fixedSize, hierarchical, semantic, none]);

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}.${String(key)}`;
  }, '');
}

/** Validates a Bedrock ChunkingConfiguration; VALIDATION_FAILED names the first offending field. */
export function parseChunkingConfiguration(raw: unknown): ChunkingConfiguration {
  const result = chunkingSchema.safeParse(raw);
  if (result.success) return result.data as ChunkingConfiguration;
  const issue = result.error.issues[0];
  const field = `chunkingConfiguration${issue && issue.path.length > 0 ? `.${fieldPath(issue.path)}` : ''}`;
  const reason = issue?.message ?? 'is invalid';
  throw new LakegateError('VALIDATION_FAILED', `Invalid ${field}: ${reason}`, { details: { field, reason } });
}
