// Draws a lineage graph as a tree for the console:
//
//   main.claims.raw
//   ├──CTAS──▶ main.claims.summary
//   │  └──INDEX_SYNC──▶ main.claims.summary_idx [vector_index]
//   └──INSERT_SELECT──▶ main.claims.archive
//
// Upstream trees point the other way (`└─◀─CTAS── main.claims.raw`). A node reached twice is drawn in
// full once and then marked "(see above)"; an edge back to a node on the current path is marked "↺"
// (a cycle). Names come from users: control and bidi-override characters are escaped, so a name cannot
// rewrite the terminal or disguise another line.

import type { LineageDirection, LineageGraph, LineageGraphEdge, LineageNode } from './lineage-types.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Code-unit order: the same drawing on every machine, whatever its locale. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Ref {
  type: string;
  name: string;
  column: string;
}

const keyOf = (r: Ref) => JSON.stringify([r.type, r.name, r.column]);

function label(r: Ref): string {
  const column = r.column ? ` (${r.column})` : '';
  const type = r.type === 'table' ? '' : ` [${r.type}]`;
  return escapeForTerminal(`${r.name}${column}${type}`);
}

const sourceOf = (e: LineageGraphEdge): Ref => ({
  type: e.sourceType,
  name: e.sourceName,
  column: e.sourceColumn ?? '',
});
const targetOf = (e: LineageGraphEdge): Ref => ({
  type: e.targetType,
  name: e.targetName,
  column: e.targetColumn ?? '',
});
const refOf = (n: LineageNode): Ref => ({ type: n.type, name: n.name, column: n.column ?? '' });

interface Child {
  ref: Ref;
  kinds: string[];
}

export function renderLineageTree(
  graph: LineageGraph,
  rootName: string = graph.root.name,
  direction: LineageDirection = graph.direction,
): string {
  const rootNode = rootName === graph.root.name ? graph.root : graph.nodes.find((n) => n.name === rootName);
  const root: Ref = rootNode ? refOf(rootNode) : { type: 'table', name: rootName, column: '' };

  // Children of each node in the drawing's direction, one line per neighbour with all its edge kinds.
  const children = new Map<string, Map<string, Child>>();
  for (const edge of graph.edges) {
    const [from, to] =
      direction === 'downstream' ? [sourceOf(edge), targetOf(edge)] : [targetOf(edge), sourceOf(edge)];
    const byChild = children.get(keyOf(from)) ?? new Map<string, Child>();
    children.set(keyOf(from), byChild);
    const child = byChild.get(keyOf(to)) ?? { ref: to, kinds: [] };
    if (!child.kinds.includes(edge.kind)) child.kinds.push(edge.kind);
    byChild.set(keyOf(to), child);
  }

  const lines = [label(root)];
  const drawn = new Set<string>([keyOf(root)]);
  const draw = (node: Ref, prefix: string, path: Set<string>) => {
    const list = [...(children.get(keyOf(node))?.values() ?? [])].sort(
      (a, b) => compare(label(a.ref), label(b.ref)) || compare(a.kinds.join(), b.kinds.join()),
    );
    list.forEach((child, index) => {
      const last = index === list.length - 1;
      const kinds = escapeForTerminal(child.kinds.sort().join(', '));
      const arrow = direction === 'downstream' ? `─${kinds}──▶` : `◀─${kinds}──`;
      const key = keyOf(child.ref);
      const mark = path.has(key) ? ' ↺' : drawn.has(key) ? ' (see above)' : '';
      lines.push(`${prefix}${last ? '└─' : '├─'}${arrow} ${label(child.ref)}${mark}`);
      if (mark) return;
      drawn.add(key);
      draw(child.ref, `${prefix}${last ? '   ' : '│  '}`, new Set([...path, key]));
    });
  };
  draw(root, '', new Set([keyOf(root)]));

  if (lines.length === 1) lines.push(`(no ${direction} lineage)`);
  if (graph.truncated) {
    const deepest = Math.max(0, ...graph.nodes.map((n) => n.depth));
    lines.push(`… lineage continues beyond depth ${deepest}`);
  }
  return lines.join('\n');
}
