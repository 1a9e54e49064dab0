// `lakegate lineage <securable_type> <full_name>`: where data came from (--upstream) or went
// (--downstream, the default), drawn as a tree by the catalog's own pure renderer.

import { type LineageGraph, renderLineageTree } from '../catalog/index.js';
import { usageError } from './cli-error.js';
import { type CliRuntime, COMMON_OPTIONS_HELP, parseCommand, positionalsOf } from './command-context.js';
import { wireSecurableType } from './grant-command.js';
import { LAKEGATE_API, segment } from './http-client.js';

export const LINEAGE_USAGE = `Usage: lakegate lineage <securable_type> <full_name> [--upstream|--downstream] [--depth <n>]
                        [--column <name>]

  Draws the lineage of a table, volume, vector index, ... as a tree:
    --downstream        what was made from it (the default)
    --upstream          what it was made from
    --depth <n>         hops to follow, 1 to 10 (default 1)
    --column <name>     follow one column instead of the whole table

${COMMON_OPTIONS_HELP}`;

interface WireNode {
  type: string;
  name: string;
  column?: string | null;
  depth?: number;
}

interface WireEdge {
  source_type: string;
  source_name: string;
  source_column?: string | null;
  target_type: string;
  target_name: string;
  target_column?: string | null;
  kind: string;
  at: string | number;
  count?: number;
}

interface WireGraph {
  root?: WireNode;
  direction?: string;
  nodes?: WireNode[];
  edges?: WireEdge[];
  truncated?: boolean;
}

/** The wire's snake_case graph as the catalog's LineageGraph (depths recomputed when the wire omits them). */
export function graphOf(
  wire: WireGraph,
  fallbackRoot: WireNode,
  direction: 'upstream' | 'downstream',
): LineageGraph {
  const key = (type: string, name: string) => `${type}\u0000${name}`;
  const edges = (wire.edges ?? []).map((e) => {
    const edge: LineageGraph['edges'][number] = {
      sourceType: e.source_type,
      sourceName: e.source_name,
      targetType: e.target_type,
      targetName: e.target_name,
      kind: e.kind,
      at: String(e.at),
      count: e.count ?? 1,
    };
    if (e.source_column) edge.sourceColumn = e.source_column;
    if (e.target_column) edge.targetColumn = e.target_column;
    return edge;
  });
  const rootWire = wire.root ?? fallbackRoot;
  // Hops from the root, breadth first over the edges in the drawing's direction.
  const depth = new Map<string, number>([[key(rootWire.type, rootWire.name), 0]]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of edges) {
      const [from, to] =
        direction === 'downstream'
          ? [key(e.sourceType, e.sourceName), key(e.targetType, e.targetName)]
          : [key(e.targetType, e.targetName), key(e.sourceType, e.sourceName)];
      const d = depth.get(from);
      if (d !== undefined && (depth.get(to) ?? Number.POSITIVE_INFINITY) > d + 1) {
        depth.set(to, d + 1);
        changed = true;
      }
    }
  }
  const node = (n: WireNode): LineageGraph['nodes'][number] => {
    const out: LineageGraph['nodes'][number] = {
      type: n.type,
      name: n.name,
      depth: n.depth ?? depth.get(key(n.type, n.name)) ?? 0,
    };
    if (n.column) out.column = n.column;
    return out;
  };
  return {
    root: node(rootWire),
    direction,
    nodes: (wire.nodes ?? [rootWire]).map(node),
    edges,
    truncated: wire.truncated === true,
  };
}

export async function lineageCommand(runtime: CliRuntime, args: string[]): Promise<number> {
  const usage = LINEAGE_USAGE;
  const { values, positionals, ctx } = parseCommand(
    runtime,
    args,
    {
      upstream: { type: 'boolean' },
      downstream: { type: 'boolean' },
      depth: { type: 'string' },
      column: { type: 'string' },
    },
    usage,
  );
  if (!ctx) return 0;
  const [typeWord, fullName] = positionalsOf(positionals, ['<securable_type>', '<full_name>'], usage);
  if (values.upstream && values.downstream)
    throw usageError('choose --upstream or --downstream, not both', usage);
  const direction = values.upstream ? 'upstream' : 'downstream';
  if (values.depth !== undefined && !/^([1-9]|10)$/.test(values.depth)) {
    throw usageError(`--depth must be a whole number from 1 to 10, not "${values.depth}"`, usage);
  }
  const type = wireSecurableType(typeWord!, usage);
  const wire = await ctx.client.get<WireGraph>(
    `${LAKEGATE_API}/lineage/${segment(type)}/${segment(fullName!)}`,
    {
      direction,
      depth: values.depth,
      column: values.column,
    },
  );
  ctx.emit(wire, () => {
    const root: WireNode = { type, name: fullName! };
    if (values.column) root.column = values.column;
    return renderLineageTree(graphOf(wire, root, direction));
  });
  return 0;
}
