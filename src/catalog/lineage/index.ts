export type { LineageStoreOptions } from './lineage-store.js';
export { LineageStore } from './lineage-store.js';
export type {
  LineageDirection,
  LineageEdgeEvent,
  LineageEdgeInput,
  LineageGraph,
  LineageGraphEdge,
  LineageNode,
  LineageWalkOptions,
} from './lineage-types.js';
export { escapeForTerminal, renderLineageTree } from './render-lineage-tree.js';
