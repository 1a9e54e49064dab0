import { LakegateError } from '../../core/index.js';
import type { AnyRequest } from '../server/listen.js';

/** Reads the whole body once, refusing it as soon as it passes `limit` bytes. */
export async function readBody(req: AnyRequest, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function tooLarge(limit: number): LakegateError {
  return new LakegateError(
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than the limit of ${limit} bytes.`,
    {
      details: { limitBytes: limit },
    },
  );
}
