// Lineage edges, recorded as events (every CTAS, sync or agent run adds one) and read back as a graph:
// upstream (where did this come from?) or downstream (what is built from this?), breadth-first with a
// visited set, so cycles end and depth is bounded. Each level is one query per 100 frontier nodes, the
// same typed Kysely query on SQLite and PostgreSQL; repeated events of an edge fold into one edge with
// the latest time and a count.

import type { Kysely } from 'kysely';
import { newId, nowIso, validationError } from '../../core/index.js';
import type { Database } from '../../store/index.js';
import type {
  LineageDirection,
  LineageEdgeEvent,
  LineageEdgeInput,
  LineageGraph,
  LineageGraphEdge,
  LineageNode,
  LineageWalkOptions,
} from './lineage-types.js';

const TYPE = /^[a-z][a-z0-9_]{0,63}$/;
const KIND = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects.
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_DEPTH = 10;
const FRONTIER_CHUNK = 100;

export interface LineageStoreOptions {
  db: Kysely<Database>;
}

function checkType(value: unknown, what: string): string {
  const type = typeof value === 'string' ? value.toLowerCase() : '';
  if (!TYPE.test(type)) throw validationError(`${what} must be a type such as "table" or "volume".`);
  return type;
}

function checkName(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || CONTROL.test(value)) {
    throw validationError(`${what} must be a non-empty name of at most ${max} characters.`);
  }
  return value;
}

function checkColumn(value: unknown, what: string): string {
  return value === undefined || value === null || value === '' ? '' : checkName(value, what, 255);
}

/** Code-unit order: the same on every machine, whatever its locale. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type NodeRef = Pick<LineageNode, 'type' | 'name'> & { column: string };

const nodeKey = (n: NodeRef) => JSON.stringify([n.type, n.name, n.column]);

function edgeKey(e: LineageGraphEdge): string {
  return JSON.stringify([
    e.sourceType,
    e.sourceName,
    e.sourceColumn ?? '',
    e.targetType,
    e.targetName,
    e.targetColumn ?? '',
    e.kind,
  ]);
}

export class LineageStore {
  private readonly db: Kysely<Database>;

  constructor(options: LineageStoreOptions) {
    this.db = options.db;
  }

  /** Records one edge event (one insert). Throws VALIDATION_FAILED on a malformed edge. */
  async record(edge: LineageEdgeInput): Promise<LineageEdgeEvent> {
    const sourceType = checkType(edge.sourceType, 'sourceType');
    const targetType = checkType(edge.targetType, 'targetType');
    const sourceName = checkName(edge.sourceName, 'sourceName', 1024);
    const targetName = checkName(edge.targetName, 'targetName', 1024);
    const sourceColumn = checkColumn(edge.sourceColumn, 'sourceColumn');
    const targetColumn = checkColumn(edge.targetColumn, 'targetColumn');
    if (typeof edge.kind !== 'string' || !KIND.test(edge.kind)) {
      throw validationError('kind must be a word such as "CTAS" or "INDEX_SYNC".');
    }
    const kind = edge.kind.toUpperCase();
    let at = nowIso();
    if (edge.at !== undefined) {
      const time = Date.parse(edge.at);
      if (Number.isNaN(time)) throw validationError('at must be an ISO-8601 time.');
      at = new Date(time).toISOString();
    }
    const id = newId('lin');
    await this.db
      .insertInto('lineage_edges')
      .values({
        id,
        source_type: sourceType,
        source_name: sourceName,
        source_column: sourceColumn,
        target_type: targetType,
        target_name: targetName,
        target_column: targetColumn,
        kind,
        at,
        principal_id: edge.principalId ?? null,
        request_id: edge.requestId ?? null,
      })
      .execute();
    return {
      id,
      sourceType,
      sourceName,
      ...(sourceColumn ? { sourceColumn } : {}),
      targetType,
      targetName,
      ...(targetColumn ? { targetColumn } : {}),
      kind,
      at,
      ...(edge.principalId ? { principalId: edge.principalId } : {}),
      ...(edge.requestId ? { requestId: edge.requestId } : {}),
    };
  }

  /** What `name` was built from. */
  upstream(type: string, name: string, options: LineageWalkOptions = {}): Promise<LineageGraph> {
    return this.walk('upstream', type, name, options);
  }

  /** What is built from `name`. */
  downstream(type: string, name: string, options: LineageWalkOptions = {}): Promise<LineageGraph> {
    return this.walk('downstream', type, name, options);
  }

  private async walk(
    direction: LineageDirection,
    type: string,
    name: string,
    options: LineageWalkOptions,
  ): Promise<LineageGraph> {
    const depth = options.depth ?? 1;
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) {
      throw validationError(`depth must be an integer from 1 to ${MAX_DEPTH}.`);
    }
    const columnMode = options.column !== undefined;
    const rootRef: NodeRef = {
      type: checkType(type, 'type'),
      name: checkName(name, 'name', 1024),
      column: columnMode ? checkName(options.column, 'column', 255) : '',
    };
    const root = toNode(rootRef, 0);
    const visited = new Map<string, LineageNode>([[nodeKey(rootRef), root]]);
    const edges = new Map<string, LineageGraphEdge>();
    let frontier: NodeRef[] = [rootRef];

    for (let level = 1; level <= depth && frontier.length > 0; level++) {
      const next: NodeRef[] = [];
      for (const edge of await this.adjacent(direction, frontier, columnMode)) {
        edges.set(edgeKey(edge), edge);
        const far: NodeRef =
          direction === 'upstream'
            ? { type: edge.sourceType, name: edge.sourceName, column: edge.sourceColumn ?? '' }
            : { type: edge.targetType, name: edge.targetName, column: edge.targetColumn ?? '' };
        const key = nodeKey(far);
        if (visited.has(key)) continue;
        visited.set(key, toNode(far, level));
        next.push(far);
      }
      frontier = next;
    }
    const truncated =
      frontier.length > 0 && (await this.adjacent(direction, frontier, columnMode, 1)).length > 0;

    const nodes = [...visited.values()].sort(
      (a, b) =>
        a.depth - b.depth ||
        compare(a.type, b.type) ||
        compare(a.name, b.name) ||
        compare(a.column ?? '', b.column ?? ''),
    );
    const sortedEdges = [...edges.values()].sort((a, b) => compare(edgeKey(a), edgeKey(b)));
    return { root, direction, nodes, edges: sortedEdges, truncated };
  }

  /** Distinct edges touching the frontier on the near side (target when upstream, source when downstream). */
  private async adjacent(
    direction: LineageDirection,
    frontier: readonly NodeRef[],
    columnMode: boolean,
    limit?: number,
  ): Promise<LineageGraphEdge[]> {
    const out: LineageGraphEdge[] = [];
    const near =
      direction === 'upstream'
        ? ({ type: 'target_type', name: 'target_name', column: 'target_column' } as const)
        : ({ type: 'source_type', name: 'source_name', column: 'source_column' } as const);
    for (let i = 0; i < frontier.length; i += FRONTIER_CHUNK) {
      const chunk = frontier.slice(i, i + FRONTIER_CHUNK);
      const rows = await this.db
        .selectFrom('lineage_edges')
        .select(['source_type', 'source_name', 'target_type', 'target_name', 'kind'])
        .select((eb) => [eb.fn.max('at').as('at'), eb.fn.countAll().as('count')])
        .where((eb) =>
          eb.or(
            chunk.map((n) =>
              eb.and([
                eb(near.type, '=', n.type),
                eb(near.name, '=', n.name),
                ...(columnMode ? [eb(near.column, '=', n.column)] : []),
              ]),
            ),
          ),
        )
        .groupBy(['source_type', 'source_name', 'target_type', 'target_name', 'kind'])
        // Column-level graphs keep columns apart; table-level graphs fold column edges into their tables.
        .$if(columnMode, (qb) =>
          qb.select(['source_column', 'target_column']).groupBy(['source_column', 'target_column']),
        )
        .$if(limit !== undefined, (qb) => qb.limit(limit ?? 1))
        .execute();
      for (const row of rows) {
        out.push({
          sourceType: row.source_type,
          sourceName: row.source_name,
          ...(row.source_column ? { sourceColumn: row.source_column } : {}),
          targetType: row.target_type,
          targetName: row.target_name,
          ...(row.target_column ? { targetColumn: row.target_column } : {}),
          kind: row.kind,
          at: String(row.at),
          count: Number(row.count),
        });
      }
      if (limit !== undefined && out.length >= limit) break;
    }
    return out;
  }
}

/** A column-level graph reaches whole tables through table-level edges: those nodes have no column. */
function toNode(ref: NodeRef, depth: number): LineageNode {
  return { type: ref.type, name: ref.name, ...(ref.column ? { column: ref.column } : {}), depth };
}
