// The dispatcher every provider adapter talks through: an undici Agent behind undici's Dispatcher
// interface (so `request()` and everything else undici offers keep working) with a lean path for the
// calls on the gateway's hot path. undici's HTTP/1.1 client costs about as much CPU per call as all of Lakegate's own
// work on it (bench/gateway: llhttp in WebAssembly, a request object and queue, per-request timers,
// headers and body written as separate buffers); the lean path writes a request as one buffer and
// parses the answer in JavaScript, with the same handler interface and the same error classes.
// A request the lean path does not take — a body that is a stream, an unusual method, hop-by-hop or
// malformed headers — goes through undici, which applies its own rules to it.

import type { Dispatcher, Agent as UndiciAgent } from 'undici';
import { Exchange, OriginPool, type PoolSettings, type TickClock } from './http1-connection-pool.js';
import { HTTP_TOKEN } from './http1-response-parser.js';
import { Agent, DispatcherBase, undiciErrors } from './undici-parts.js';

export interface LeanRequest {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
}

const LEAN_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
/** Headers the lean path writes itself, or that ask for what it does not do. */
const NOT_LEAN = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]);
const PATH = /^\/[!-~]*$/;
/** Printable ASCII and tab: a value with anything else (CR, LF, NUL, non-ASCII) is left to undici's rules. */
const PLAIN_VALUE = /^[\t\x20-\x7e]*$/;

/** The request as it goes on the wire, or undefined when the lean path does not take it. */
function wireRequest(hostHeader: string, request: LeanRequest): string | Buffer | undefined {
  const { method, path, headers, body } = request;
  if (!LEAN_METHODS.has(method) || !PATH.test(path)) return undefined;
  if (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) return undefined;
  let fields = '';
  let hasHost = false;
  for (const name in headers) {
    const value = headers[name];
    if (typeof value !== 'string' || !HTTP_TOKEN.test(name) || !PLAIN_VALUE.test(value)) return undefined;
    const lower = name.toLowerCase();
    if (NOT_LEAN.has(lower)) return undefined;
    if (lower === 'host') hasHost = true;
    fields += `${name}: ${value}\r\n`;
  }
  const length = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const framing = length > 0 || WITH_BODY.has(method) ? `content-length: ${length}\r\n` : '';
  const head = `${method} ${path} HTTP/1.1\r\n${hasHost ? '' : `host: ${hostHeader}\r\n`}${fields}${framing}\r\n`;
  if (body === null || length === 0) return head;
  if (typeof body === 'string') return head + body;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

export class UpstreamAgent extends DispatcherBase {
  private readonly pools = new Map<string, OriginPool | null>();
  private readonly clock: TickClock = { tick: 0 };
  private readonly undici: UndiciAgent;
  private sweeper: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly settings: PoolSettings) {
    super();
    this.undici = new Agent({
      keepAliveTimeout: settings.keepAliveSeconds * 1000,
      keepAliveMaxTimeout: settings.keepAliveMaxSeconds * 1000,
      connections: settings.connectionsPerOrigin,
      pipelining: 1,
      connect: {
        timeout: settings.connectTimeoutMs,
        ...(settings.tlsCa === undefined ? {} : { ca: settings.tlsCa }),
      },
      headersTimeout: settings.responseIdleSeconds * 1000,
      bodyTimeout: settings.responseIdleSeconds * 1000,
    });
  }

  /** undici's own path: `request()` and every other undici API of this dispatcher come through here. */
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.undici.dispatch(options, handler);
  }

  /** Sends the request on the lean path when it can, through undici otherwise; same handler either way. */
  send(request: LeanRequest, handler: Dispatcher.DispatchHandler): void {
    const pool = this.closing ? undefined : this.poolFor(request.origin);
    const wire = pool ? wireRequest(pool.hostHeader, request) : undefined;
    if (!pool || wire === undefined) {
      this.undici.dispatch(request as Dispatcher.DispatchOptions, handler);
      return;
    }
    const exchange = new Exchange(pool, wire, handler, request.method === 'HEAD');
    handler.onRequestStart?.(exchange.controller, {});
    if (exchange.finished) return;
    pool.send(exchange);
    this.startSweeper();
  }

  /** Waits for the calls under way on both paths, then closes every connection. */
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.closing = true;
    const lean = Promise.all([...this.pools.values()].map((pool) => pool?.closeWhenIdle()));
    const done = Promise.all([lean, this.undici.close()]).then(() => this.stopSweeper());
    if (!callback) return done;
    void done.then(callback);
  }

  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(
    errorOrCallback?: Error | null | (() => void),
    callback?: () => void,
  ): Promise<void> | void {
    this.closing = true;
    const error = errorOrCallback instanceof Error ? errorOrCallback : null;
    for (const pool of this.pools.values()) pool?.destroy(error ?? new undiciErrors.ClientDestroyedError());
    this.stopSweeper();
    const destroyed = this.undici.destroy(error);
    const done = typeof errorOrCallback === 'function' ? errorOrCallback : callback;
    if (!done) return destroyed;
    void destroyed.then(done);
  }

  private poolFor(origin: string): OriginPool | null {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      const url = new URL(origin);
      const http = url.protocol === 'http:' || url.protocol === 'https:';
      pool = http ? new OriginPool(url, this.settings, this.clock) : null;
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** The once-a-second clock of keep-alive and silence limits; runs only while there are connections. */
  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      this.clock.tick++;
      let open = 0;
      for (const pool of this.pools.values()) {
        if (!pool) continue;
        pool.sweep();
        open += pool.size;
      }
      if (open === 0) this.stopSweeper();
    }, 1000);
    this.sweeper.unref();
  }

  private stopSweeper(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
