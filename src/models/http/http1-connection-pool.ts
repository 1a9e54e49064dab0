// Keep-alive HTTP/1.1 connections to one provider origin, and the exchange of one request on one of
// them. This is the lean path of UpstreamAgent: a request goes out as one write, its answer is parsed
// by Http1ResponseParser and handed to the same undici dispatch handler (onRequestStart,
// onResponseStart, onResponseData, onResponseEnd, onResponseError) that undici would call, so the
// callers cannot tell the two paths apart. What it leaves out (request streams, upgrades, pipelining)
// is never asked of it: UpstreamAgent sends such requests through undici.

import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { Dispatcher } from 'undici';
import { Http1ParseError, Http1ResponseParser, type ResponseHead } from './http1-response-parser.js';
import { undiciErrors } from './undici-parts.js';

/** Settings of the pools of one agent, in seconds (the clock ticks once a second). */
export interface PoolSettings {
  connectionsPerOrigin: number;
  connectTimeoutMs: number;
  /** Idle time after which a connection is closed, when the server does not say (Keep-Alive: timeout). */
  keepAliveSeconds: number;
  keepAliveMaxSeconds: number;
  /** Seconds of silence while waiting for the head, or between body bytes, before the call fails. */
  responseIdleSeconds: number;
  /** Certificate authorities for https origins, replacing Node's bundled roots (as tls's `ca` does). */
  tlsCa?: string | Buffer | Array<string | Buffer>;
}

/** Seconds taken off a server's keep-alive hint, so that we stop using a connection before it does. */
const KEEP_ALIVE_MARGIN_SECONDS = 2;
const KEEP_ALIVE_TIMEOUT = /(?:^|[,;\s])timeout=(\d+)/i;

/** A coarse clock shared by an agent's pools: one tick a second, driven by the agent's sweeper. */
export interface TickClock {
  tick: number;
}

class LeanController implements Dispatcher.DispatchController {
  aborted = false;
  paused = false;
  reason: Error | null = null;

  constructor(private readonly exchange: Exchange) {}

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.exchange.fail(reason);
  }

  pause(): void {
    this.paused = true;
    this.exchange.connection?.socket.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.exchange.connection?.socket.resume();
  }
}

const NO_TRAILERS = {};

/** One request and its answer. */
export class Exchange {
  readonly controller = new LeanController(this);
  readonly parser: Http1ResponseParser;
  connection: Connection | undefined;
  finished = false;
  /** Set when the answer completed: whether its connection may carry another request. */
  reusable = false;
  lastActivity = 0;

  constructor(
    private readonly pool: OriginPool,
    /** The request's head and body as they go on the wire (one write). */
    readonly wire: string | Buffer,
    private readonly handler: Dispatcher.DispatchHandler,
    bodyless: boolean,
  ) {
    this.parser = new Http1ResponseParser(this, bodyless);
  }

  onHead(head: ResponseHead): void {
    const hint = head.headers['keep-alive'];
    if (this.connection && typeof hint === 'string') this.connection.keepAliveHint(hint);
    this.handler.onResponseStart?.(this.controller, head.status, head.headers, head.statusText);
  }

  onBody(chunk: Buffer): void {
    this.handler.onResponseData?.(this.controller, chunk);
  }

  onComplete(reusable: boolean): void {
    // The connection is released by whoever fed the parser, once the read that completed it is consumed.
    this.finished = true;
    this.reusable = reusable;
    this.handler.onResponseEnd?.(this.controller, NO_TRAILERS);
  }

  /** Ends the call with an error; the connection, if any, is closed (its state is unknown). */
  fail(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    const connection = this.connection;
    if (connection) {
      this.connection = undefined;
      connection.exchange = undefined;
      connection.socket.destroy();
    } else {
      this.pool.forget(this);
    }
    this.handler.onResponseError?.(this.controller, error);
  }
}

function otherSideClosed(): Error {
  return new undiciErrors.SocketError('other side closed');
}

/** A socket to the origin and the exchange it carries, if any. */
class Connection {
  exchange: Exchange | undefined;
  idleSince = 0;
  keepAliveSeconds: number;
  private error: Error | undefined;

  constructor(
    readonly socket: Socket,
    private readonly pool: OriginPool,
  ) {
    this.keepAliveSeconds = pool.settings.keepAliveSeconds;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (error: Error) => {
      this.error = error;
    });
    socket.on('close', () => this.onClose());
  }

  keepAliveHint(value: string): void {
    const seconds = KEEP_ALIVE_TIMEOUT.exec(value);
    if (!seconds) return;
    const limited = Math.min(Number(seconds[1]), this.pool.settings.keepAliveMaxSeconds);
    this.keepAliveSeconds = limited - KEEP_ALIVE_MARGIN_SECONDS;
  }

  private onData(chunk: Buffer): void {
    const exchange = this.exchange;
    // Bytes nobody asked for: the connection is out of step with the server.
    if (!exchange) {
      this.socket.destroy();
      return;
    }
    exchange.lastActivity = this.pool.clock.tick;
    try {
      exchange.parser.execute(chunk);
    } catch (error) {
      if (exchange.finished) this.socket.destroy();
      else
        exchange.fail(
          error instanceof Http1ParseError ? new undiciErrors.SocketError(error.message) : (error as Error),
        );
      return;
    }
    if (exchange.finished && this.exchange === exchange) {
      this.exchange = undefined;
      exchange.connection = undefined;
      this.pool.release(this, exchange.reusable);
    }
  }

  private onEnd(): void {
    const exchange = this.exchange;
    if (!exchange) return;
    try {
      exchange.parser.end();
    } catch {
      exchange.fail(this.error ?? otherSideClosed());
      return;
    }
    this.exchange = undefined;
    exchange.connection = undefined;
    this.socket.destroy();
  }

  private onClose(): void {
    this.pool.closed(this);
    const exchange = this.exchange;
    if (exchange && !exchange.finished) exchange.fail(this.error ?? otherSideClosed());
  }
}

/** The connections to one origin, at most `connectionsPerOrigin` of them; requests beyond wait in line. */
export class OriginPool {
  private readonly connections = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private readonly waiting: Exchange[] = [];
  private open = 0;
  private closing = false;
  private whenEmpty: (() => void)[] = [];
  readonly hostHeader: string;
  private readonly tls: boolean;
  private readonly hostname: string;
  private readonly port: number;

  constructor(
    origin: URL,
    readonly settings: PoolSettings,
    readonly clock: TickClock,
  ) {
    this.tls = origin.protocol === 'https:';
    this.hostname = origin.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(origin.port) || (this.tls ? 443 : 80);
    this.hostHeader = origin.host;
  }

  get size(): number {
    return this.open;
  }

  /** Sends the exchange on an idle connection, a new one, or when one frees up. */
  send(exchange: Exchange): void {
    let connection = this.idle.pop();
    while (connection && (connection.socket.destroyed || !connection.socket.writable)) {
      connection = this.idle.pop();
    }
    if (connection) this.assign(connection, exchange);
    else if (this.open < this.settings.connectionsPerOrigin) this.assign(this.connect(), exchange);
    else this.waiting.push(exchange);
  }

  /** An exchange that ended before it got a connection leaves the line. */
  forget(exchange: Exchange): void {
    const at = this.waiting.indexOf(exchange);
    if (at !== -1) this.waiting.splice(at, 1);
  }

  release(connection: Connection, reusable: boolean): void {
    if (!reusable || this.closing || connection.keepAliveSeconds <= 0) {
      connection.socket.destroy();
      return;
    }
    // A reader that paused the answer may have done so after its last byte had arrived.
    if (connection.socket.isPaused()) connection.socket.resume();
    const next = this.waiting.shift();
    if (next) {
      this.assign(connection, next);
      return;
    }
    connection.idleSince = this.clock.tick;
    // An idle connection does not keep the process alive.
    connection.socket.unref();
    this.idle.push(connection);
  }

  closed(connection: Connection): void {
    this.open--;
    this.connections.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    const next = this.waiting.shift();
    if (next) this.send(next);
    else if (this.open === 0) for (const resolve of this.whenEmpty.splice(0)) resolve();
  }

  /** Lets the calls under way finish, then closes their connections; idle ones close now. */
  closeWhenIdle(): Promise<void> {
    this.closing = true;
    for (const connection of [...this.idle]) connection.socket.destroy();
    if (this.open === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenEmpty.push(resolve));
  }

  /** Once a second: closes connections idle too long, and fails calls the server has gone silent on. */
  sweep(): void {
    const now = this.clock.tick;
    for (const connection of [...this.idle]) {
      if (now - connection.idleSince >= connection.keepAliveSeconds) connection.socket.destroy();
    }
    for (const exchange of this.active()) {
      if (now - exchange.lastActivity < this.settings.responseIdleSeconds) continue;
      exchange.fail(
        exchange.parser.started
          ? new undiciErrors.BodyTimeoutError('Body Timeout Error')
          : new undiciErrors.HeadersTimeoutError('Headers Timeout Error'),
      );
    }
  }

  /** Closes every connection; waiting calls fail. */
  destroy(error: Error): void {
    for (const exchange of this.waiting.splice(0)) exchange.fail(error);
    for (const connection of this.connections) connection.socket.destroy(error);
  }

  private *active(): Iterable<Exchange> {
    for (const connection of this.connections) if (connection.exchange) yield connection.exchange;
  }

  private connect(): Connection {
    const { hostname: host, port } = this;
    const { tlsCa } = this.settings;
    // Certificates are checked as tls.connect always does (chain, and the name or address asked for);
    // an IP address is not a server name to send (RFC 6066 §3).
    const socket = this.tls
      ? connectTls({
          host,
          port,
          ALPNProtocols: ['http/1.1'],
          ...(isIP(host) ? {} : { servername: host }),
          ...(tlsCa === undefined ? {} : { ca: tlsCa }),
        })
      : connectTcp({ host, port });
    const timer = setTimeout(
      () => socket.destroy(new undiciErrors.ConnectTimeoutError('Connect Timeout Error')),
      this.settings.connectTimeoutMs,
    );
    timer.unref();
    socket.once(this.tls ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    const connection = new Connection(socket, this);
    this.open++;
    this.connections.add(connection);
    return connection;
  }

  private assign(connection: Connection, exchange: Exchange): void {
    connection.exchange = exchange;
    exchange.connection = connection;
    exchange.lastActivity = this.clock.tick;
    const { socket } = connection;
    socket.ref();
    if (exchange.controller.paused) socket.pause();
    socket.write(exchange.wire);
  }
}
