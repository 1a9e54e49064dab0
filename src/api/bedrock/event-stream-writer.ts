// application/vnd.amazon.eventstream framing for ConverseStream and InvokeModelWithResponseStream:
// events, modeled exceptions (`:message-type exception`) and unmodeled errors. Only string headers are
// ever written, so the encoder is this file's few lines rather than Smithy's general codec, which built
// a dozen small arrays per frame (a cost per streamed event that showed in profiles). The bytes are the
// same; event-stream-writer.test.ts decodes them with Smithy's codec.
//
// Frame: total length (u32) | headers length (u32) | CRC32 of those 8 bytes | headers | payload |
// CRC32 of everything before it. A header: name length (u8) | name | type 7 (string) | value length
// (u16) | value. All big-endian.

import { crc32 } from '../../core/index.js';

const STRING_TYPE = 7;
const MAX_NAME_BYTES = 255;
const MAX_VALUE_BYTES = 32_767;

function frame(headers: ReadonlyArray<readonly [string, string]>, payload: unknown): Uint8Array {
  const body = Buffer.from(JSON.stringify(payload));
  let headersLength = 0;
  for (const [name, value] of headers) {
    const nameBytes = Buffer.byteLength(name);
    const valueBytes = Buffer.byteLength(value);
    if (nameBytes > MAX_NAME_BYTES) throw new Error(`event stream header name exceeds 255 bytes: ${name}`);
    if (valueBytes > MAX_VALUE_BYTES)
      throw new Error(`event stream header value exceeds ${MAX_VALUE_BYTES} bytes: ${name}`);
    headersLength += 1 + nameBytes + 1 + 2 + valueBytes;
  }
  const length = 12 + headersLength + body.length + 4;
  const out = Buffer.allocUnsafe(length);
  out.writeUInt32BE(length, 0);
  out.writeUInt32BE(headersLength, 4);
  const preludeCrc = crc32(out.subarray(0, 8));
  out.writeUInt32BE(preludeCrc, 8);
  let at = 12;
  for (const [name, value] of headers) {
    const nameBytes = out.write(name, at + 1, 'utf8');
    out.writeUInt8(nameBytes, at);
    at += 1 + nameBytes;
    out.writeUInt8(STRING_TYPE, at);
    const valueBytes = out.write(value, at + 3, 'utf8');
    out.writeUInt16BE(valueBytes, at + 1);
    at += 3 + valueBytes;
  }
  body.copy(out, at);
  // The message CRC runs on from the prelude's: it covers every byte before it.
  out.writeUInt32BE(crc32(out.subarray(8, length - 4), preludeCrc), length - 4);
  return out;
}

export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return frame(
    [
      [':event-type', eventType],
      [':content-type', 'application/json'],
      [':message-type', 'event'],
    ],
    payload,
  );
}

/** A modeled exception the SDK raises by name (throttlingException, modelStreamErrorException, ...). */
export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return frame(
    [
      [':exception-type', exceptionType],
      [':content-type', 'application/json'],
      [':message-type', 'exception'],
    ],
    { message },
  );
}
