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
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  /** Segments: literals, `:name` for one segment. */
  path: string;
  surface: Surface;
  /** Routes are authenticated; a public route says so here, visibly. */
  public?: boolean;
  handle(ctx: RequestContext): Promise<void> | void;
}

interface CompiledRoute {
  route: Route;
  segments: Array<{ literal: string } | { param: string }>;
}

export class RouteTable {
  private readonly byMethod = new Map<string, CompiledRoute[]>();

  add(...routes: Route[]): this {
    for (const route of routes) {
      const segments = route.path
        .split('/')
        .slice(1)
        .map((s) => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s }));
      const list = this.byMethod.get(route.method) ?? [];
      list.push({ route, segments });
      this.byMethod.set(route.method, list);
    }
    return this;
  }

  match(method: string, rawPath: string): { route: Route; params: Record<string, string> } | undefined {
    const candidates = this.byMethod.get(method);
    if (!candidates) return undefined;
    const parts = rawPath.split('/').slice(1);
    for (const { route, segments } of candidates) {
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const segment = segments[i]!;
        const part = parts[i]!;
        if ('literal' in segment) ok = segment.literal === part;
        else {
          const decoded = decodeSegment(part);
          if (decoded === undefined || decoded === '') ok = false;
          else params[segment.param] = decoded;
        }
      }
      if (ok) return { route, params };
    }
    return undefined;
  }

  /** Whether some other method would match the path (for a 405 instead of a 404). */
  hasPath(rawPath: string): boolean {
    for (const method of this.byMethod.keys()) if (this.match(method, rawPath)) return true;
    return false;
  }
}

function decodeSegment(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
