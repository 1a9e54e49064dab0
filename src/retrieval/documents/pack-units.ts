// Greedy packing of units into chunks of at most `maxTokens`, each chunk starting with the last units of the
// previous one up to `overlapTokens` (Bedrock's overlap: text repeated across adjacent chunks of a layer).
import { countTokens } from './count-tokens.js';
import { separated, type TextUnit } from './text-units.js';

export interface PackedSpan {
  start: number;
  end: number;
  tokens: number;
}

/** Tokens of units[from..to) as one slice: the sum where whitespace separates them, else counted again. */
function spanTokens(text: string, units: readonly TextUnit[], from: number, to: number): number {
  let total = 0;
  let exact = true;
  for (let i = from; i < to; i++) {
    const unit = units[i] as TextUnit;
    total += unit.tokens;
    if (i > from && !separated(text, units[i - 1] as TextUnit, unit)) exact = false;
  }
  if (exact) return total;
  return countTokens(text.slice((units[from] as TextUnit).start, (units[to - 1] as TextUnit).end));
}

/** Packs `units` (each within `maxTokens`) into spans of at most `maxTokens`, overlapping by up to `overlapTokens`. */
export function packUnits(
  text: string,
  units: readonly TextUnit[],
  maxTokens: number,
  overlapTokens: number,
): PackedSpan[] {
  const spans: PackedSpan[] = [];
  let i = 0;
  while (i < units.length) {
    let j = i + 1;
    let tokens = (units[i] as TextUnit).tokens;
    while (j < units.length) {
      const unit = units[j] as TextUnit;
      const next = separated(text, units[j - 1] as TextUnit, unit)
        ? tokens + unit.tokens
        : spanTokens(text, units, i, j + 1);
      if (next > maxTokens) break;
      tokens = next;
      j++;
    }
    spans.push({ start: (units[i] as TextUnit).start, end: (units[j - 1] as TextUnit).end, tokens });
    if (j >= units.length) break;
    // The next chunk repeats the tail of this one, as many whole units as fit in the overlap, but always moves
    // forward, and the overlap shrinks when the next unit would not fit beside it.
    let k = j;
    while (k - 1 > i && spanTokens(text, units, k - 1, j) <= overlapTokens) k--;
    while (k < j && spanTokens(text, units, k, j + 1) > maxTokens) k++;
    i = k;
  }
  return spans;
}
