// GET /lineage/{securable_type}/{full_name}: what a securable was built from (upstream) or what is built
// from it (downstream). The caller must see the root; nodes it cannot see are left out with their edges,
// so lineage never names a securable the caller could not look up.

import { type Actor, type LineageGraph, SECURABLE_TYPES, type SecurableType } from '../../catalog/index.js';
import { isLakegateError, validationError } from '../../core/index.js';
import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import {
  asTableOrView,
  epochMs,
  jsonRoute,
  param,
  parseSecurableType,
  wireSecurableType,
} from '../unity-catalog/index.js';
import { LG_PREFIX } from './paths.js';

const isSecurableType = (type: string): type is SecurableType =>
  (SECURABLE_TYPES as readonly string[]).includes(type);

const wireType = (type: string) => (isSecurableType(type) ? wireSecurableType(type) : type);

function directionOf(query: URLSearchParams): 'upstream' | 'downstream' {
  const direction = query.get('direction') ?? 'upstream';
  if (direction !== 'upstream' && direction !== 'downstream') {
    throw validationError('direction must be upstream or downstream.');
  }
  return direction;
}

function depthOf(query: URLSearchParams): number {
  const depth = query.get('depth');
  if (depth === null || depth === '') return 1;
  if (!/^\d{1,2}$/.test(depth)) throw validationError('depth must be an integer from 1 to 10.');
  return Number(depth);
}

/** Whether the actor may see a node: securables by the catalog's rule, anything else (files, runs) yes. */
async function visibleNode(
  services: ApiServices,
  actor: Actor,
  type: string,
  name: string,
): Promise<boolean> {
  if (!isSecurableType(type)) return true;
  try {
    await asTableOrView(type, (t) => services.catalog.securables.get(actor, t, name));
    return true;
  } catch (error) {
    if (isLakegateError(error) && error.category === 'user') return false;
    throw error;
  }
}

async function visibleGraph(services: ApiServices, actor: Actor, graph: LineageGraph): Promise<LineageGraph> {
  if (actor.isAdmin) return graph;
  const key = (type: string, name: string) => JSON.stringify([type, name]);
  const verdicts = new Map<string, Promise<boolean>>();
  for (const node of graph.nodes.slice(1)) {
    const k = key(node.type, node.name);
    if (!verdicts.has(k)) verdicts.set(k, visibleNode(services, actor, node.type, node.name));
  }
  const hidden = new Set<string>();
  for (const [k, verdict] of verdicts) if (!(await verdict)) hidden.add(k);
  return {
    ...graph,
    nodes: graph.nodes.filter((n, i) => i === 0 || !hidden.has(key(n.type, n.name))),
    edges: graph.edges.filter(
      (e) => !hidden.has(key(e.sourceType, e.sourceName)) && !hidden.has(key(e.targetType, e.targetName)),
    ),
  };
}

function toWire(graph: LineageGraph) {
  const node = (n: LineageGraph['nodes'][number]) => ({
    type: wireType(n.type),
    name: n.name,
    ...(n.column ? { column: n.column } : {}),
    depth: n.depth,
  });
  return {
    root: node(graph.root),
    direction: graph.direction,
    nodes: graph.nodes.map(node),
    edges: graph.edges.map((e) => ({
      source_type: wireType(e.sourceType),
      source_name: e.sourceName,
      source_column: e.sourceColumn ?? null,
      target_type: wireType(e.targetType),
      target_name: e.targetName,
      target_column: e.targetColumn ?? null,
      kind: e.kind,
      at: epochMs(e.at),
      count: e.count,
    })),
    truncated: graph.truncated,
  };
}

export function lineageRoutes(services: ApiServices): Route[] {
  const { securables, lineage } = services.catalog;
  return [
    jsonRoute('GET', `${LG_PREFIX}/lineage/:securable_type/:full_name`, async (ctx, actor) => {
      const type = parseSecurableType(param(ctx, 'securable_type'));
      const direction = directionOf(ctx.query);
      const depth = depthOf(ctx.query);
      const column = ctx.query.get('column') || undefined;
      const root = await asTableOrView(type, (t) => securables.get(actor, t, param(ctx, 'full_name')));
      const options = { depth, ...(column ? { column: column.toLowerCase() } : {}) };
      const graph =
        direction === 'upstream'
          ? await lineage.upstream(root.type, root.fullName, options)
          : await lineage.downstream(root.type, root.fullName, options);
      return toWire(await visibleGraph(services, actor, graph));
    }),
  ];
}
