// A lean HTTP/1.1 server for the requests that are most of Lakegate's traffic: model calls from SDKs,
// a small JSON body with a Content-Length, a JSON or streamed answer. node:http spends more CPU per
// request than all of Lakegate's own work on a model call (parser callbacks, IncomingMessage and
// ServerResponse streams, per-request timers); this reads the head and body with a few string
// operations and writes the answer as one write. It is an accelerator, not a second implementation of
// HTTP: a request it does not accept (see `readRequestHead`), or one for a route that reads its body as
// a stream (uploads larger than any buffer), hands the connection to node:http with its bytes untouched, and
// node:http keeps it from then on. Requests on one connection are served one at a time, in order.

import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { HAND_OFF, INCOMPLETE, type RequestHead, readRequestHead } from './http1-request-head.js';
import { type ExchangeOwner, LeanRequest, LeanResponse } from './lean-exchange.js';

export interface LeanHttp1Options {
  /** Serves a request: the same listener node:http calls. */
  listener(req: LeanRequest, res: LeanResponse): void;
  /** Whether the route of a request reads its body as a stream. */
  needsNodeHttp(method: string, rawPath: string): boolean;
  /** node:http's server, which takes connections the lean server does not serve. */
  fallback: HttpServer;
  /** Bodies larger than this go to node:http (whose routes then refuse or stream them). */
  maxBodyBytes: number;
  /** An idle connection closes after this (node:http's keepAliveTimeout). */
  keepAliveMs: number;
  /** A request whose head and body have not all come after this gets 408 (node:http's headersTimeout). */
  requestTimeoutMs: number;
}

/** While a request is being served, the client may send ahead this much before reading pauses. */
const MAX_READ_AHEAD_BYTES = 1024 * 1024;
const SWEEP_INTERVAL_MS = 1000;
const REQUEST_TIMEOUT_ANSWER =
  'HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';

/** The path of an origin-form target, without its query. */
function pathOf(target: string): string {
  const question = target.indexOf('?');
  return question === -1 ? target : target.slice(0, question);
}

export class LeanHttp1Server {
  private readonly connections = new Set<LeanConnection>();
  private sweeper: NodeJS.Timeout | undefined = undefined;

  /** The head's last lines for a kept connection, announcing the idle time the sweeper enforces. */
  readonly keepAliveLines: string;

  constructor(readonly options: LeanHttp1Options) {
    const seconds = Math.floor(options.keepAliveMs / 1000);
    this.keepAliveLines = `connection: keep-alive\r\nkeep-alive: timeout=${seconds}\r\n\r\n`;
  }

  /** Serves a new connection whose first bytes (`head`) were already read to tell HTTP/1.1 from HTTP/2. */
  accept(socket: Socket, head: Buffer): void {
    const connection = new LeanConnection(socket, this);
    this.connections.add(connection);
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
    connection.receive(head);
  }

  forget(connection: LeanConnection): void {
    this.connections.delete(connection);
    if (this.connections.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Closes idle connections past the keep-alive time and answers 408 to requests that stalled. */
  private sweep(): void {
    const now = Date.now();
    for (const connection of this.connections) connection.checkTimeouts(now);
  }
}

class LeanConnection implements ExchangeOwner {
  /** Bytes received and not yet consumed, in arrival order. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The head of the request whose body is still arriving. */
  private head: RequestHead | undefined = undefined;
  private request: LeanRequest | undefined = undefined;
  private response: LeanResponse | undefined = undefined;
  /** When the connection last went idle, or when the request now arriving began. */
  private since = Date.now();
  private closing = false;
  private paused = false;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  private readonly onClose = () => this.closed();
  private readonly advanceLater = () => this.advance();
  readonly keepAliveLines: string;

  constructor(
    readonly socket: Socket,
    private readonly server: LeanHttp1Server,
  ) {
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    this.keepAliveLines = server.keepAliveLines;
  }

  receive(chunk: Buffer): void {
    if (this.closing) return;
    if (this.pendingBytes === 0 && this.response === undefined) this.since = Date.now();
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.response === undefined) this.advance();
    else if (this.pendingBytes > MAX_READ_AHEAD_BYTES && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** Serves the next complete request, if one has arrived and none is being served. */
  private advance(): void {
    if (this.response !== undefined || this.closing || this.pendingBytes === 0) return;
    const { options } = this.server;
    let head = this.head;
    if (head === undefined) {
      const verdict = readRequestHead(this.joined(), options.maxBodyBytes);
      if (verdict === INCOMPLETE) return;
      if (verdict === HAND_OFF || options.needsNodeHttp(verdict.method, pathOf(verdict.url))) {
        this.handOff();
        return;
      }
      head = verdict;
      this.head = head;
    }
    const total = head.headBytes + head.bodyBytes;
    if (this.pendingBytes < total) return;
    const bytes = this.joined();
    const body = bytes.subarray(head.headBytes, total);
    this.pending = bytes.length === total ? [] : [bytes.subarray(total)];
    this.pendingBytes -= total;
    this.head = undefined;
    const request = new LeanRequest(head.method, head.url, head.headers, body);
    const response = new LeanResponse(this, head.close);
    this.request = request;
    this.response = response;
    options.listener(request, response);
  }

  /** The pending bytes as one buffer (they usually are one already). */
  private joined(): Buffer {
    const { pending } = this;
    if (pending.length === 1) return pending[0]!;
    const whole = Buffer.concat(pending, this.pendingBytes);
    this.pending = [whole];
    return whole;
  }

  responseEnded(closeAfter: boolean): void {
    this.response = undefined;
    this.request = undefined;
    this.since = Date.now();
    if (closeAfter) {
      this.closing = true;
      this.socket.end();
      return;
    }
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    // A pipelined request waits for the next tick: this runs inside the previous route's `end()`.
    if (this.pendingBytes > 0) process.nextTick(this.advanceLater);
  }

  checkTimeouts(now: number): void {
    if (this.response !== undefined || this.closing) return;
    if (this.pendingBytes === 0) {
      if (now - this.since >= this.server.options.keepAliveMs) this.socket.destroy();
    } else if (now - this.since >= this.server.options.requestTimeoutMs) {
      this.closing = true;
      this.socket.end(REQUEST_TIMEOUT_ANSWER, 'latin1');
    }
  }

  /** node:http takes the connection from here: the request now at its start, and everything after. */
  private handOff(): void {
    const bytes = this.joined();
    this.pending = [];
    this.pendingBytes = 0;
    this.detach();
    this.socket.unshift(bytes);
    this.server.options.fallback.emit('connection', this.socket);
  }

  private closed(): void {
    this.detach();
    if (this.request) this.request.destroyed = true;
    this.response?.abort();
  }

  private detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
    this.server.forget(this);
  }
}
