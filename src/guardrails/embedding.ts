// The embedding function guardrails are given (any model: `local/embed` offline, a provider's in
// production), and cosine similarity over what it returns.

/** One vector per text, in order. */
export type EmbedTexts = (texts: string[]) => Promise<number[][]>;

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
