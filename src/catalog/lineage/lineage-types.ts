// Lineage vocabulary: an edge says data flowed from a source to a target (a table, a column, a volume,
// an index, an agent run), how (`kind`), when and by whom.

export interface LineageEdgeInput {
  sourceType: string;
  sourceName: string;
  sourceColumn?: string;
  targetType: string;
  targetName: string;
  targetColumn?: string;
  /** How the data flowed: 'CTAS', 'INSERT_SELECT', 'INDEX_SYNC', 'AGENT_RUN', ... */
  kind: string;
  principalId?: string;
  requestId?: string;
  /** ISO time; now when absent. */
  at?: string;
}

export interface LineageEdgeEvent extends LineageEdgeInput {
  id: string;
  at: string;
}

export type LineageDirection = 'upstream' | 'downstream';

export interface LineageNode {
  type: string;
  name: string;
  /** Set in a column-level graph. */
  column?: string;
  /** Hops from the root (0 for the root). */
  depth: number;
}

/** One distinct edge of a graph: every recorded event of it folded into one, with the latest time. */
export interface LineageGraphEdge {
  sourceType: string;
  sourceName: string;
  sourceColumn?: string;
  targetType: string;
  targetName: string;
  targetColumn?: string;
  kind: string;
  /** The latest time this edge was recorded. */
  at: string;
  /** How many times it was recorded. */
  count: number;
}

export interface LineageGraph {
  root: LineageNode;
  direction: LineageDirection;
  /** The root first, then by depth and name. */
  nodes: LineageNode[];
  edges: LineageGraphEdge[];
  /** Lineage continues beyond the depth asked for. */
  truncated: boolean;
}

export interface LineageWalkOptions {
  /** Hops to follow, 1..10; default 1. */
  depth?: number;
  /** Follow one column instead of whole tables. */
  column?: string;
}
