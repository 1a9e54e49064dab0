// A raw upload written to a private temporary file, refused as soon as it passes the size limit, so a
// table load reads a whole, finished file (and a client that goes away mid-upload leaves nothing).

import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LakegateError, untilClosed } from '../../core/index.js';

export interface SpooledFile {
  path: string;
  size: number;
  remove(): Promise<void>;
}

function tooLarge(limit: number): LakegateError {
  return new LakegateError('PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${limit} bytes.`, {
    details: { limitBytes: limit },
  });
}

export async function spoolUpload(
  body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  dir: string,
  suffix: string,
  limit: number,
  declaredSize?: number,
): Promise<SpooledFile> {
  if (declaredSize !== undefined && declaredSize > limit) throw tooLarge(limit);
  const path = join(dir, `upload-${randomUUID()}${suffix}`);
  const remove = () => rm(path, { force: true });
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(size > limit ? tooLarge(limit) : null, chunk);
    },
  });
  const sink = createWriteStream(path, { mode: 0o600 });
  try {
    await pipeline(body as AsyncIterable<Uint8Array>, counter, sink);
  } catch (error) {
    sink.destroy();
    await untilClosed(sink);
    await remove();
    if (error instanceof LakegateError) throw error;
    throw new LakegateError('VALIDATION_FAILED', 'The upload ended before the whole file arrived.', {
      cause: error,
    });
  }
  return { path, size, remove };
}
