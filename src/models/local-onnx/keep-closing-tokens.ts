// transformers.js truncates a tokenised text by cutting its ids at max_length after the special tokens
// were added, so a long text loses its closing [SEP] (or </s>), which the model was trained to see on
// every input. Chunked documents hit the limit often (e.g. 256 tokens for all-MiniLM-L6-v2), so the
// closing ids are put back over the last real positions of every row that reached the limit, the way
// Hugging Face's Python tokenizers truncate. A row that was not cut already ends with them: unchanged.

/** The ids the tokenizer appends after a single text's own tokens (e.g. [SEP]); may be empty. */
export function closingIds(withSpecials: readonly number[], withoutSpecials: readonly number[]): number[] {
  if (withoutSpecials.length === 0) return [];
  for (let start = 0; start + withoutSpecials.length <= withSpecials.length; start++) {
    if (withoutSpecials.every((id, i) => withSpecials[start + i] === id)) {
      return withSpecials.slice(start + withoutSpecials.length);
    }
  }
  return [];
}

/** Rewrites, in place, the last real positions of rows whose real length is `maxTokens`. */
export function keepClosingTokens(
  ids: BigInt64Array,
  mask: BigInt64Array,
  sequence: number,
  maxTokens: number,
  closing: readonly number[],
): void {
  if (closing.length === 0 || sequence < maxTokens) return;
  for (let rowStart = 0; rowStart < ids.length; rowStart += sequence) {
    // Real positions are where the mask is 1, wherever the tokenizer put its padding (left or right).
    const real: number[] = [];
    for (let p = rowStart; p < rowStart + sequence; p++) if (mask[p] !== 0n) real.push(p);
    if (real.length < maxTokens || real.length < closing.length) continue;
    const tail = real.slice(real.length - closing.length);
    tail.forEach((position, i) => {
      ids[position] = BigInt(closing[i] ?? 0);
    });
  }
}
