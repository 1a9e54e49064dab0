// Routes match the raw path segment by segment: model ids arrive percent-encoded (Bedrock ARNs carry
// encoded ':' and '/'), so decoding before matching would split one id into several segments.

import type { LakegateError } from '../../core/index.js';
import type { RequestContext } from './context.js';

/** A wire surface: the routes of one API and the one place its errors get their wire shape. */
export interface Surface {
  name: string;
  writeError(ctx: RequestContext, error: LakegateError): void;
}

export interface Route {
  method: 'GET' | 'HEAD' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  /** Segments: literals, `:name` for one segment, and last `*name` for one or more (joined with '/'). */
  path: string;
  surface: Surface;
  /** Routes are authenticated; a public route says so here, visibly. */
  public?: boolean;
  /**
   * The handler reads the request body itself, as a stream (file uploads larger than any buffer): the
   * pipeline does not read it. A SigV4-signed request is still read whole first (the signature covers it).
   */
  streamBody?: boolean;
  handle(ctx: RequestContext): Promise<void> | void;
}

interface CompiledRoute {
  route: Route;
  segments: Array<{ literal: string } | { param: string } | { rest: string }>;
  /** Ends in a `*name` segment. */
  rest: boolean;
}

export class RouteTable {
  private readonly byMethod = new Map<string, CompiledRoute[]>();
  /**
   * Routes without parameters by `METHOD path`, found with one lookup instead of a walk over every
   * route of the method (the chat routes sit behind dozens of catalog routes). Only routes that no
   * earlier route shadows are here, so the first route added still wins, as in the walk.
   */
  private readonly literal = new Map<string, Route>();

  add(...routes: Route[]): this {
    for (const route of routes) {
      const segments = route.path
        .split('/')
        .slice(1)
        .map((s) =>
          s.startsWith(':')
            ? { param: s.slice(1) }
            : s.startsWith('*')
              ? { rest: s.slice(1) }
              : { literal: s },
        );
      const key = `${route.method} ${route.path}`;
      if (
        segments.every((s) => 'literal' in s) &&
        !this.literal.has(key) &&
        !this.match(route.method, route.path)
      ) {
        this.literal.set(key, route);
      }
      const list = this.byMethod.get(route.method) ?? [];
      list.push({ route, segments, rest: segments.some((s) => 'rest' in s) });
      this.byMethod.set(route.method, list);
    }
    return this;
  }

  match(method: string, rawPath: string): { route: Route; params: Record<string, string> } | undefined {
    const literal = this.literal.get(`${method} ${rawPath}`);
    if (literal) return { route: literal, params: {} };
    const candidates = this.byMethod.get(method);
    if (!candidates) return undefined;
    const parts = rawPath.split('/').slice(1);
    for (const { route, segments, rest } of candidates) {
      if (rest ? parts.length < segments.length : segments.length !== parts.length) continue;
      if (!literalsMatch(segments, parts)) continue;
      const params = paramsOf(segments, parts);
      if (params) return { route, params };
    }
    return undefined;
  }

  /** Whether the route of a request reads its body as a stream, so the lean HTTP/1.1 server must leave it to node:http. */
  needsNodeHttp(method: string, rawPath: string): boolean {
    return this.match(method, rawPath)?.route.streamBody === true;
  }

  /** Whether some other method would match the path (for a 405 instead of a 404). */
  hasPath(rawPath: string): boolean {
    for (const method of this.byMethod.keys()) if (this.match(method, rawPath)) return true;
    return false;
  }
}

function literalsMatch(segments: CompiledRoute['segments'], parts: string[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if ('literal' in segment && segment.literal !== parts[i]) return false;
  }
  return true;
}

/** The decoded parameters, or undefined when one does not decode or is empty (then the route does not match). */
function paramsOf(segments: CompiledRoute['segments'], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if ('literal' in segment) continue;
    if ('rest' in segment) {
      // Decoded segment by segment, then joined: an encoded '/' ends up a separator like any other.
      const decoded = parts.slice(i).map(decodeSegment);
      if (decoded.some((d) => d === undefined)) return undefined;
      params[segment.rest] = decoded.join('/');
      return params;
    }
    const decoded = decodeSegment(parts[i]!);
    if (decoded === undefined || decoded === '') return undefined;
    params[segment.param] = decoded;
  }
  return params;
}

function decodeSegment(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
