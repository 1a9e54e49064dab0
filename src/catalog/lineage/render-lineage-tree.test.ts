import { describe, expect, it } from 'vitest';
import type { LineageGraph, LineageGraphEdge } from './lineage-types.js';
import { renderLineageTree } from './render-lineage-tree.js';

const at = '2024-05-01T00:00:00.000Z';
const e = (source: string, target: string, kind = 'CTAS'): LineageGraphEdge => ({
  sourceType: 'table',
  sourceName: source,
  targetType: 'table',
  targetName: target,
  kind,
  at,
  count: 1,
});
function graph(edges: LineageGraphEdge[], truncated = false): LineageGraph {
  const names = [...new Set(edges.flatMap((x) => [x.sourceName, x.targetName]))];
  return {
    root: { type: 'table', name: names[0] ?? 'r', depth: 0 },
    direction: 'downstream',
    nodes: names.map((name, i) => ({ type: 'table', name, depth: i === 0 ? 0 : 1 })),
    edges,
    truncated,
  };
}

describe('renderLineageTree', () => {
  it('draws a diamond once, and marks the second arrival', () => {
    const g = graph([e('raw', 'a'), e('raw', 'b'), e('a', 'c'), e('b', 'c', 'INSERT_SELECT')]);
    expect(renderLineageTree(g, 'raw', 'downstream')).toBe(
      ['raw', '├──CTAS──▶ a', '│  └──CTAS──▶ c', '└──CTAS──▶ b', '   └──INSERT_SELECT──▶ c (see above)'].join(
        '\n',
      ),
    );
  });

  it('draws the same graph the other way from another root', () => {
    const g = graph([e('raw', 'a'), e('raw', 'b'), e('a', 'c'), e('b', 'c')]);
    expect(renderLineageTree(g, 'c', 'upstream')).toBe(
      ['c', '├─◀─CTAS── a', '│  └─◀─CTAS── raw', '└─◀─CTAS── b', '   └─◀─CTAS── raw (see above)'].join('\n'),
    );
  });

  it('says when lineage goes deeper than drawn', () => {
    expect(renderLineageTree(graph([e('raw', 'a')], true))).toBe(
      'raw\n└──CTAS──▶ a\n… lineage continues beyond depth 1',
    );
  });

  it('escapes terminal control and bidi characters in names and kinds', () => {
    const text = renderLineageTree(graph([e('raw', 'evil\u001b[2J\nfake line\u202e', 'CTAS\r')]));
    expect(text).toBe('raw\n└──CTAS\\u000d──▶ evil\\u001b[2J\\u000afake line\\u202e');
    expect(text.split('\n')).toHaveLength(2);
  });
});
