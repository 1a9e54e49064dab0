// DuckDB's serialized syntax trees carry numbers JavaScript cannot hold: query_location is
// 18446744073709551615 when unknown, HUGEINT constants split into 64-bit halves, and DOUBLE constants may
// be Infinity or NaN (not even JSON), and a DOUBLE written 100.0 must stay 100.0. JSON.parse would round or reject them, and the rebuilt SQL would then
// fail or, worse, mean something else. Such tokens are kept verbatim as marker objects and written back
// unchanged, so a tree survives parse → edit → stringify byte for byte.

const MARKER_KEY = '$lg_raw';
const MARKER = /\{"\$lg_raw":"([-+.0-9A-Za-z]+)"\}/g;
/** Integers of up to 15 digits are exact as doubles. */
const MAX_SAFE_DIGITS = 15;

function isTokenChar(ch: string): boolean {
  return /[-+.0-9A-Za-z]/.test(ch);
}

/** Parses DuckDB's JSON with unsafe numbers and non-finite literals preserved. */
export function parseRawJson(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      // Copy a whole string, escapes included: nothing inside a string is a number token.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9') || ch === 'I' || ch === 'N') {
      let j = i;
      while (j < text.length && isTokenChar(text[j]!)) j++;
      const token = text.slice(i, j);
      const digits = token.replace(/^-/, '');
      // Integers that fit stay numbers; everything else is kept as written, including decimals, whose
      // written form (100.0) tells DuckDB the value is a DOUBLE and would be lost as a JS number (100).
      const unsafe = !/^\d+$/.test(digits) || digits.length > MAX_SAFE_DIGITS;
      out += unsafe ? `{"${MARKER_KEY}":"${token}"}` : token;
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return JSON.parse(out);
}

/** Writes a tree parsed by parseRawJson back, with the preserved tokens restored verbatim. */
export function stringifyRawJson(value: unknown): string {
  // A string value can never contain the marker text: JSON escapes its quotes as \".
  return JSON.stringify(value).replace(MARKER, '$1');
}

/** A number kept verbatim (see parseRawJson), for code that must read one. */
export function rawToken(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && MARKER_KEY in value) {
    const token = (value as Record<string, unknown>)[MARKER_KEY];
    return typeof token === 'string' ? token : undefined;
  }
  return undefined;
}
