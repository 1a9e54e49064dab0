// Reads the head of an HTTP/1.1 request for the lean server, accepting only the plain shape official
// clients send: a known method, an origin-form path, HTTP/1.1, tokens for names, visible ASCII values,
// each header once, a Host, a body framed by Content-Length alone. Anything else — chunked or other
// transfer codings, Expect, Upgrade, folded or bare-LF lines, non-ASCII, duplicates, an oversize head or
// body — is not refused here but handed to node:http with the bytes untouched, so the lean server is
// never more lenient than llhttp: it only serves requests both would read the same way.

import type { IncomingHttpHeaders } from 'node:http';

/** Node's default --max-http-header-size: a longer head goes to node:http, which answers 431. */
export const MAX_REQUEST_HEAD_BYTES = 16 * 1024;
/** More lines than this is not what an SDK sends; node:http decides what to do with it. */
const MAX_HEADER_LINES = 100;

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE) (\/[\x21-\x7e]*) HTTP\/1\.1$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * A head may hold visible ASCII, spaces and tabs, and CR LF pairs between lines; anything else
 * (obs-text, controls, a CR or LF alone) goes to node:http. One pass over the whole head: a test per
 * line cost a third of the parse.
 */
const NOT_PLAIN_HEAD = /[^\t\x20-\x7e\r\n]|\r(?!\n)|(?<!\r)\n/;
const DIGITS = /^\d{1,15}$/;
/** Headers whose presence means framing or protocol handling the lean server leaves to node:http. */
const HANDED_OFF_HEADERS = new Set(['transfer-encoding', 'expect', 'upgrade', 'te', 'http2-settings']);

export interface RequestHead {
  method: string;
  /** The request target exactly as sent (origin form: path and query). */
  url: string;
  headers: IncomingHttpHeaders;
  /** Bytes of the head, blank line included: the body starts here. */
  headBytes: number;
  bodyBytes: number;
  /** The client asked to close the connection after this exchange. */
  close: boolean;
}

/** The head is not all here yet. */
export const INCOMPLETE = 'incomplete';
/** Not a request the lean server serves: node:http gets the connection. */
export const HAND_OFF = 'hand-off';

export type HeadVerdict = RequestHead | typeof INCOMPLETE | typeof HAND_OFF;

/** Reads the request head at the start of `bytes`, if all of it has arrived. */
export function readRequestHead(bytes: Buffer, maxBodyBytes: number): HeadVerdict {
  const end = bytes.indexOf(HEAD_END);
  if (end === -1) return bytes.length >= MAX_REQUEST_HEAD_BYTES ? HAND_OFF : INCOMPLETE;
  const headBytes = end + HEAD_END.length;
  if (headBytes > MAX_REQUEST_HEAD_BYTES) return HAND_OFF;
  // latin1 maps each byte to one char, so a stray CR, LF or non-ASCII byte stays visible to the check.
  const text = bytes.toString('latin1', 0, end);
  if (NOT_PLAIN_HEAD.test(text)) return HAND_OFF;
  const lines = text.split('\r\n');
  if (lines.length > MAX_HEADER_LINES + 1) return HAND_OFF;
  const requestLine = REQUEST_LINE.exec(lines[0]!);
  if (!requestLine) return HAND_OFF;
  const headers: IncomingHttpHeaders = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    // No colon, or white space before it (folded lines start with it): node:http's to refuse.
    if (colon <= 0) return HAND_OFF;
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return HAND_OFF;
    const key = name.toLowerCase();
    // Repeats are merged or dropped by rules per header in node:http; a lean request has none to merge.
    if (headers[key] !== undefined || key === '__proto__' || HANDED_OFF_HEADERS.has(key)) return HAND_OFF;
    headers[key] = line.slice(colon + 1).trim();
  }
  if (headers.host === undefined) return HAND_OFF;
  const length = headers['content-length'];
  let bodyBytes = 0;
  if (length !== undefined) {
    if (!DIGITS.test(length)) return HAND_OFF;
    bodyBytes = Number(length);
    if (bodyBytes > maxBodyBytes) return HAND_OFF;
  }
  const connection = headers.connection;
  let close = false;
  if (connection !== undefined) {
    for (const option of connection.toLowerCase().split(',')) {
      const token = option.trim();
      if (token === 'close') close = true;
      else if (token !== 'keep-alive' && token !== '') return HAND_OFF;
    }
  }
  return { method: requestLine[1]!, url: requestLine[2]!, headers, headBytes, bodyBytes, close };
}
