// An incremental parser for the HTTP/1.1 answers a provider sends to the lean upstream client: status
// line, headers, and a body framed by Content-Length, chunked transfer coding or the end of the
// connection. It is strict where leniency lets a response be read two ways (both Content-Length and
// Transfer-Encoding, differing Content-Lengths, folded header lines, bare LF line ends) and rejects
// those answers instead of guessing, as llhttp does in its strict mode.

import type { HeaderMap } from './upstream-http.js';

/** The size limit of a response head, as undici's (Node's default --max-http-header-size). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** A chunk-size line or trailer section longer than this is not a real provider's answer. */
const MAX_CHUNK_LINE_BYTES = 1024;
const MAX_TRAILER_BYTES = 16 * 1024;

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** An HTTP token (RFC 9110 §5.6.2): what a field name must be. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * A NUL anywhere in the head, or a CR or LF that is not part of a CR LF line end: checked in one pass over
 * the whole head rather than per value, which cost a third of the header parse.
 */
const FORBIDDEN_IN_HEAD = /\0|\r(?!\n)|(?<!\r)\n/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([^\r\n]*))?$/;
const DIGITS = /^\d{1,15}$/;
const HEX = /^[0-9A-Fa-f]{1,12}$/;

export class Http1ParseError extends Error {
  override name = 'Http1ParseError';
}

export interface ResponseHead {
  status: number;
  statusText: string;
  headers: HeaderMap;
}

export interface Http1ResponseEvents {
  /** The final (non-1xx) head. */
  onHead(head: ResponseHead): void;
  onBody(chunk: Buffer): void;
  /** The message is complete; `reusable` says whether the connection may carry another request. */
  onComplete(reusable: boolean): void;
}

type State =
  | 'head'
  | 'length'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-data-end'
  | 'trailers'
  | 'until-close'
  | 'done';

/** How a parsed head frames its body. */
interface Framing {
  state: State;
  remaining: number;
  reusable: boolean;
}

/** Header names and values of a head's lines, lower-cased names, repeated names as arrays. */
function parseHeaderLines(lines: string[]): HeaderMap {
  const headers: HeaderMap = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    // A folded line (starting with white space) continues the previous header: obsolete and ambiguous.
    if (colon <= 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) {
      throw new Http1ParseError(`Malformed response header line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    const name = line.slice(0, colon);
    if (!HTTP_TOKEN.test(name))
      throw new Http1ParseError(`Invalid response header name: ${JSON.stringify(name)}`);
    const value = line.slice(colon + 1).trim();
    const key = name.toLowerCase();
    const existing = headers[key];
    if (existing === undefined) headers[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[key] = [existing, value];
  }
  return headers;
}

function single(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function contentLengthOf(headers: HeaderMap): number | undefined {
  const value = headers['content-length'];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && DIGITS.test(value)) return Number(value);
  // Repeated Content-Length headers are allowed only when they all say the same (RFC 9110 §8.6).
  const values = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',').map((s) => s.trim()));
  if (!values.every((v) => DIGITS.test(v)) || new Set(values).size !== 1) {
    throw new Http1ParseError(`Invalid Content-Length: ${JSON.stringify(single(headers, 'content-length'))}`);
  }
  return Number(values[0]);
}

function framingOf(head: ResponseHead, minorVersion: string, bodyless: boolean): Framing {
  const { status, headers } = head;
  const connection = single(headers, 'connection')?.toLowerCase() ?? '';
  const persistent = minorVersion === '1' && !/(?:^|,)\s*close\s*(?:,|$)/.test(connection);
  const length = contentLengthOf(headers);
  const transferEncoding = single(headers, 'transfer-encoding');
  if (transferEncoding !== undefined && length !== undefined) {
    throw new Http1ParseError('Response has both Content-Length and Transfer-Encoding');
  }
  if (bodyless || status === 204 || status === 304)
    return { state: 'done', remaining: 0, reusable: persistent };
  if (transferEncoding !== undefined) {
    const codings = transferEncoding.toLowerCase().split(',');
    const chunked = codings[codings.length - 1]!.trim() === 'chunked';
    // A response whose last coding is not chunked runs to the end of the connection (RFC 9112 §6.3).
    return chunked
      ? { state: 'chunk-size', remaining: 0, reusable: persistent }
      : { state: 'until-close', remaining: 0, reusable: false };
  }
  if (length !== undefined)
    return { state: length === 0 ? 'done' : 'length', remaining: length, reusable: persistent };
  return { state: 'until-close', remaining: 0, reusable: false };
}

export class Http1ResponseParser {
  private state: State = 'head';
  /** Bytes of an unfinished head, chunk-size line or trailer section. */
  private pending: Buffer | undefined;
  private remaining = 0;
  private reusable = false;
  private trailerBytes = 0;

  /** `bodyless`: the request was HEAD, so the answer has no body whatever its headers say. */
  constructor(
    private readonly events: Http1ResponseEvents,
    private readonly bodyless = false,
  ) {}

  get complete(): boolean {
    return this.state === 'done';
  }

  /** Whether any byte of the answer has arrived. */
  get started(): boolean {
    return this.state !== 'head' || this.pending !== undefined;
  }

  /** Feeds bytes as they arrive; throws Http1ParseError on a malformed answer. */
  execute(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0) {
      switch (this.state) {
        case 'head':
          data = this.readHead(data);
          break;
        case 'length':
          data = this.readCounted(data);
          if (this.remaining === 0) this.finish();
          break;
        case 'chunk-size':
          data = this.readChunkSize(data);
          break;
        case 'chunk-data':
          data = this.readCounted(data);
          if (this.remaining === 0) {
            this.state = 'chunk-data-end';
            this.remaining = 2;
          }
          break;
        case 'chunk-data-end': {
          // The CRLF after a chunk's data, possibly split across reads.
          const expected = CRLF[2 - this.remaining]!;
          if (data[0] !== expected) throw new Http1ParseError('Chunk data not followed by CRLF');
          data = data.subarray(1);
          if (--this.remaining === 0) this.state = 'chunk-size';
          break;
        }
        case 'trailers':
          data = this.readTrailers(data);
          break;
        case 'until-close':
          this.events.onBody(data);
          data = data.subarray(data.length);
          break;
        case 'done':
          throw new Http1ParseError('Data after the end of the response');
      }
    }
  }

  /** The connection ended: completes a body that runs to the end, and fails any other unfinished answer. */
  end(): void {
    if (this.state === 'until-close') {
      this.state = 'done';
      this.events.onComplete(false);
      return;
    }
    if (this.state !== 'done')
      throw new Http1ParseError('The connection closed before the response was complete');
  }

  /** Hands on up to `remaining` body bytes (of the Content-Length or the chunk); returns the rest. */
  private readCounted(data: Buffer): Buffer {
    const take = Math.min(this.remaining, data.length);
    this.remaining -= take;
    this.events.onBody(take === data.length ? data : data.subarray(0, take));
    return data.subarray(take);
  }

  private finish(): void {
    this.state = 'done';
    this.events.onComplete(this.reusable);
  }

  /** Bytes up to and including the next CRLF, or undefined (and the bytes kept) when it has not come yet. */
  private takeLine(data: Buffer, limit: number, what: string): { line: Buffer; rest: Buffer } | undefined {
    const joined = this.pending ? Buffer.concat([this.pending, data]) : data;
    const from = this.pending ? Math.max(0, this.pending.length - 1) : 0;
    const at = joined.indexOf(CRLF, from);
    if (at === -1) {
      if (joined.length > limit) throw new Http1ParseError(`${what} is too long`);
      this.pending = joined;
      return undefined;
    }
    this.pending = undefined;
    return { line: joined.subarray(0, at), rest: joined.subarray(at + 2) };
  }

  private readHead(data: Buffer): Buffer {
    const joined = this.pending ? Buffer.concat([this.pending, data]) : data;
    const from = this.pending ? Math.max(0, this.pending.length - 3) : 0;
    const end = joined.indexOf(HEAD_END, from);
    if (end > MAX_HEAD_BYTES || (end === -1 && joined.length > MAX_HEAD_BYTES)) {
      throw new Http1ParseError('Response headers are too large');
    }
    if (end === -1) {
      this.pending = joined;
      return joined.subarray(joined.length);
    }
    this.pending = undefined;
    const text = joined.toString('latin1', 0, end);
    if (FORBIDDEN_IN_HEAD.test(text))
      throw new Http1ParseError('Response head has a NUL, or a CR or LF alone');
    const lines = text.split('\r\n');
    const statusLine = STATUS_LINE.exec(lines[0]!);
    if (!statusLine)
      throw new Http1ParseError(`Malformed status line: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    const status = Number(statusLine[2]);
    const head: ResponseHead = { status, statusText: statusLine[3] ?? '', headers: parseHeaderLines(lines) };
    const rest = joined.subarray(end + 4);
    if (status < 200) {
      // Informational answers (100 Continue, 103 Early Hints) precede the real one; an upgrade is not ours.
      if (status === 101) throw new Http1ParseError('Unexpected protocol upgrade');
      return rest;
    }
    const framing = framingOf(head, statusLine[1]!, this.bodyless);
    this.reusable = framing.reusable;
    this.remaining = framing.remaining;
    this.state = framing.state;
    this.events.onHead(head);
    if (this.state === 'done') {
      this.events.onComplete(this.reusable);
    }
    return rest;
  }

  private readChunkSize(data: Buffer): Buffer {
    const taken = this.takeLine(data, MAX_CHUNK_LINE_BYTES, 'A chunk-size line');
    if (!taken) return data.subarray(data.length);
    const text = taken.line.toString('latin1');
    const semicolon = text.indexOf(';');
    const hex = (semicolon === -1 ? text : text.slice(0, semicolon)).trim();
    if (!HEX.test(hex)) throw new Http1ParseError(`Invalid chunk size: ${JSON.stringify(text.slice(0, 40))}`);
    const size = Number.parseInt(hex, 16);
    if (size === 0) {
      this.state = 'trailers';
      this.trailerBytes = 0;
    } else {
      this.state = 'chunk-data';
      this.remaining = size;
    }
    return taken.rest;
  }

  /** Trailer fields end with an empty line; their content is not used. */
  private readTrailers(data: Buffer): Buffer {
    let rest = data;
    for (;;) {
      const taken = this.takeLine(rest, MAX_TRAILER_BYTES, 'The trailer section');
      if (!taken) return rest.subarray(rest.length);
      rest = taken.rest;
      this.trailerBytes += taken.line.length + 2;
      if (this.trailerBytes > MAX_TRAILER_BYTES) throw new Http1ParseError('The trailer section is too long');
      if (taken.line.length === 0) {
        this.finish();
        return rest;
      }
    }
  }
}
