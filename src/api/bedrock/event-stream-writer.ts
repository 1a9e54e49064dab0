// application/vnd.amazon.eventstream framing for ConverseStream and InvokeModelWithResponseStream:
// events, modeled exceptions (`:message-type exception`) and unmodeled errors, encoded by Smithy's codec.

import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const encoder = new TextEncoder();

function frame(headers: Record<string, string>, payload: unknown): Uint8Array {
  const tagged: Record<string, { type: 'string'; value: string }> = {};
  for (const [name, value] of Object.entries(headers)) tagged[name] = { type: 'string', value };
  return codec.encode({ headers: tagged, body: encoder.encode(JSON.stringify(payload)) });
}

export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return frame(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    payload,
  );
}

/** A modeled exception the SDK raises by name (throttlingException, modelStreamErrorException, ...). */
export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return frame(
    { ':exception-type': exceptionType, ':content-type': 'application/json', ':message-type': 'exception' },
    { message },
  );
}
