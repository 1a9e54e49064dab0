// Input is never parsed with a bare JSON.parse: a malformed body is a result, not an exception.

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: string };

export function safeParseJson(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
