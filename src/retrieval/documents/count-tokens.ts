// Chunk sizes are in tokens, as in Bedrock. We have no tokenizer for whichever embedding model the knowledge
// base uses, so chunking uses the same tokenizer-free estimate the gateway uses for budgets: one estimate
// across the product means a chunk of "300 tokens" is the same size everywhere it is reported.
import { estimateTokens } from '../../models/index.js';

/** The token estimate chunking uses. It is additive across whitespace: count(a + ' ' + b) = count(a) + count(b). */
export function countTokens(text: string): number {
  return estimateTokens(text);
}
