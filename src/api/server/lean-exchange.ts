// The request and response objects of the lean HTTP/1.1 server: the part of node:http's
// IncomingMessage and ServerResponse that Lakegate's routes use, and no more. The request arrives whole
// (head and body already read); the response is written as one string or buffer when it is ended in
// one go, and with chunked framing when it is written in pieces. Routes that stream a request body keep
// node:http (see `lean-http1.ts`).

import {
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  STATUS_CODES,
  validateHeaderName,
  validateHeaderValue,
} from 'node:http';
import type { Socket } from 'node:net';

/** What node:http refuses in a status message: a CR or LF there would split the response. */
const INVALID_STATUS_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** The exchange's link to its connection: where bytes go and what to do when the response ends. */
export interface ExchangeOwner {
  readonly socket: Socket;
  /** The response has ended: its last bytes are queued on the socket. */
  responseEnded(closeAfter: boolean): void;
  /** The head's last lines for a connection kept open: Connection and Keep-Alive (its idle time). */
  readonly keepAliveLines: string;
}

export class LeanRequest {
  readonly httpVersion = '1.1';
  readonly complete = true;
  destroyed = false;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: IncomingHttpHeaders,
    /** The whole body, read before the request was dispatched. */
    readonly body: Buffer,
  ) {}
}

let cachedDate = '';
let cachedDateAt = 0;

/** The Date header, made at most once a second (as node:http does). */
function httpDate(): string {
  const now = Date.now();
  if (now - cachedDateAt >= 1000) {
    cachedDateAt = now - (now % 1000);
    cachedDate = new Date(cachedDateAt).toUTCString();
  }
  return cachedDate;
}

/** Refuses what node:http refuses when a header is set (its own checks), so a bad one never reaches the head. */
function validateHeader(name: string, value: number | string | readonly string[]): void {
  validateHeaderName(name);
  validateHeaderValue(name, value as string);
}

function headerLines(name: string, value: number | string | readonly string[]): string {
  if (typeof value !== 'object') return `${name}: ${value}\r\n`;
  let lines = '';
  for (const one of value) lines += `${name}: ${one}\r\n`;
  return lines;
}

const SERVER_OWNED_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding']);

type ResponseEvent = 'close' | 'drain' | 'finish';
type Listener = () => void;

/**
 * The three events routes listen to, without an EventEmitter: one per request was a visible part of the
 * server's cost, and nothing here needs more than adding, removing and calling listeners.
 */
class ResponseEvents {
  private listeners: Partial<Record<ResponseEvent, Listener[]>> | undefined = undefined;

  on(event: ResponseEvent, listener: Listener): this {
    this.listeners ??= {};
    const list = this.listeners[event];
    if (list) list.push(listener);
    else this.listeners[event] = [listener];
    return this;
  }

  off(event: ResponseEvent, listener: Listener): this {
    const list = this.listeners?.[event];
    const at = list ? list.indexOf(listener) : -1;
    if (at !== -1) list!.splice(at, 1);
    return this;
  }

  protected emit(event: ResponseEvent): void {
    const list = this.listeners?.[event];
    if (!list || list.length === 0) return;
    // A copy: a listener may remove itself (or another) while the event is being delivered.
    for (const listener of list.slice()) listener();
  }
}

export class LeanResponse extends ResponseEvents {
  statusCode = 200;
  statusMessage: string | undefined = undefined;
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  /** Header values by lower-case name, each checked when it was set (no prototype, as node:http's). */
  private headers: Record<string, number | string | readonly string[]> = Object.create(null);
  /** Written in pieces without a Content-Length: each piece is framed as a chunk. */
  private chunked = false;
  private declaredLength: number | undefined = undefined;
  private bytesSent = 0;
  private waitingForDrain = false;

  constructor(
    private readonly owner: ExchangeOwner,
    private readonly closeAfter: boolean,
  ) {
    super();
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    if (this.headersSent) throw new Error('Cannot set headers after they are sent to the client');
    validateHeader(name, value);
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  getHeader(name: string): number | string | readonly string[] | undefined {
    return this.headers[name.toLowerCase()];
  }

  removeHeader(name: string): void {
    delete this.headers[name.toLowerCase()];
  }

  writeHead(
    status: number,
    reasonOrHeaders?: string | OutgoingHttpHeaders,
    maybeHeaders?: OutgoingHttpHeaders,
  ): this {
    if (this.headersSent) throw new Error('Cannot write headers after they are sent to the client');
    checkStatus(status);
    let headers = maybeHeaders;
    if (typeof reasonOrHeaders === 'string') {
      if (INVALID_STATUS_CHAR.test(reasonOrHeaders)) throw new TypeError('Invalid status message');
      this.statusMessage = reasonOrHeaders;
    } else {
      headers = reasonOrHeaders;
    }
    if (headers) {
      for (const name in headers) {
        const value = headers[name];
        if (value === undefined) continue;
        validateHeader(name, value);
        this.headers[name.toLowerCase()] = value;
      }
    }
    this.statusCode = status;
    return this;
  }

  /** The status line and headers, which leave with the first bytes of the body. */
  private head(bodyLength: number | undefined): string {
    const status = this.statusCode;
    checkStatus(status);
    let head = `HTTP/1.1 ${status} ${this.statusMessage ?? STATUS_CODES[status] ?? 'unknown'}\r\n`;
    const headers = this.headers;
    for (const name in headers) {
      // Framing and the connection are the server's to state: a route's own would contradict them.
      if (SERVER_OWNED_HEADERS.has(name)) continue;
      head += headerLines(name, headers[name]!);
    }
    const declared = headers['content-length'];
    if (declared !== undefined) {
      this.declaredLength = Number(declared);
    } else if (bodyLength !== undefined) {
      if (status !== 204 && status !== 304) head += `content-length: ${bodyLength}\r\n`;
    } else {
      this.chunked = true;
      head += 'transfer-encoding: chunked\r\n';
    }
    if (headers.date === undefined) head += `date: ${httpDate()}\r\n`;
    head += this.closeAfter ? 'connection: close\r\n\r\n' : this.owner.keepAliveLines;
    this.headersSent = true;
    return head;
  }

  /**
   * Text sent with the socket corked waits here and leaves as one string when the cork is pulled: an
   * event stream writes several small events per tick, and one string is one write where Node's corked
   * socket would gather them into a writev of many.
   */
  private held = '';
  private corks = 0;

  /** Sends text now, or holds it while corked; false when the socket's buffer is full. */
  private send(text: string): boolean {
    const socket = this.owner.socket;
    if (this.corks === 0) return socket.write(text);
    this.held += text;
    return !socket.writableNeedDrain;
  }

  /** Sends held text ahead of bytes that cannot join it. */
  private releaseHeld(): void {
    if (this.held === '') return;
    const text = this.held;
    this.held = '';
    if (!this.owner.socket.write(text)) this.awaitDrain();
  }

  /** Writes a piece of the body (headers first, the first time); false when the socket's buffer is full. */
  write(chunk: string | Uint8Array): boolean {
    if (this.writableEnded) throw new Error('write after end');
    // The client is gone: the bytes go nowhere, and there is no 'drain' to wait for.
    if (this.destroyed) return true;
    const head = this.headersSent ? '' : this.head(undefined);
    const socket = this.owner.socket;
    const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    let flowing: boolean;
    if (this.chunked) {
      if (length === 0) return head === '' ? true : this.send(head);
      if (typeof chunk === 'string') {
        flowing = this.send(`${head}${length.toString(16)}\r\n${chunk}\r\n`);
      } else {
        this.releaseHeld();
        socket.write(`${head}${length.toString(16)}\r\n`, 'latin1');
        socket.write(chunk);
        flowing = socket.write('\r\n', 'latin1');
      }
    } else {
      if (this.declaredLength !== undefined && this.bytesSent + length > this.declaredLength)
        this.breakFraming(this.bytesSent + length);
      if (typeof chunk === 'string') {
        flowing = this.send(head + chunk);
      } else {
        this.releaseHeld();
        if (head !== '') socket.write(head, 'latin1');
        flowing = socket.write(chunk);
      }
    }
    this.bytesSent += length;
    if (!flowing) this.awaitDrain();
    return flowing;
  }

  end(chunk?: string | Uint8Array): this {
    if (this.writableEnded) return this;
    if (this.destroyed) {
      this.writableEnded = true;
      return this;
    }
    const socket = this.owner.socket;
    const onFlushed = (error?: Error | null) => this.flushed(error);
    if (!this.headersSent) {
      const length =
        chunk === undefined ? 0 : typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      const head = this.head(length);
      if (this.declaredLength !== undefined && this.declaredLength !== length) this.breakFraming(length);
      this.writableEnded = true;
      if (chunk === undefined || length === 0) socket.write(head, 'latin1', onFlushed);
      else if (typeof chunk === 'string') socket.write(head + chunk, onFlushed);
      else {
        socket.write(head, 'latin1');
        socket.write(chunk, onFlushed);
      }
    } else {
      if (chunk !== undefined) this.write(chunk);
      if (this.declaredLength !== undefined && this.bytesSent !== this.declaredLength)
        this.breakFraming(this.bytesSent);
      this.writableEnded = true;
      // Whatever is held leaves with the last bytes, in the same write.
      const last = this.held + (this.chunked ? '0\r\n\r\n' : '');
      this.held = '';
      socket.write(last, onFlushed);
    }
    this.owner.responseEnded(this.closeAfter);
    return this;
  }

  cork(): void {
    this.corks += 1;
    this.owner.socket.cork();
  }

  uncork(): void {
    if (this.corks === 0) return;
    this.corks -= 1;
    if (this.corks === 0) this.releaseHeld();
    this.owner.socket.uncork();
  }

  get writableCorked(): number {
    return this.corks;
  }

  /** Cuts the connection: for a body that cannot be finished after its head went out. */
  destroy(): void {
    this.owner.socket.destroy();
  }

  /** The connection closed before the response finished: the route's client has gone. */
  abort(): void {
    if (this.destroyed || this.writableFinished) return;
    this.destroyed = true;
    this.emit('close');
  }

  /**
   * The body does not match the Content-Length the head promised: the connection cannot carry another
   * response, so it goes, and the route hears why.
   */
  private breakFraming(actual: number): never {
    this.owner.socket.destroy();
    throw Object.assign(
      new Error(
        `Response body's length (${actual}) does not match its Content-Length (${this.declaredLength})`,
      ),
      { code: 'ERR_HTTP_CONTENT_LENGTH_MISMATCH' },
    );
  }

  private awaitDrain(): void {
    if (this.waitingForDrain) return;
    this.waitingForDrain = true;
    this.owner.socket.once('drain', () => {
      this.waitingForDrain = false;
      this.emit('drain');
    });
  }

  private flushed(error: Error | null | undefined): void {
    if (error) {
      this.abort();
      return;
    }
    if (this.writableFinished || this.destroyed) return;
    this.writableFinished = true;
    this.emit('finish');
    this.emit('close');
  }
}

function checkStatus(status: number): void {
  if (!Number.isInteger(status) || status < 100 || status > 999)
    throw Object.assign(new RangeError(`Invalid status code: ${status}`), {
      code: 'ERR_HTTP_INVALID_STATUS_CODE',
    });
}
