/** Places the graph model with dagre (top to bottom; groups as compound nodes). */
import { Graph, layout } from '@dagrejs/dagre';
import type { GraphEdge, GraphModel, GraphNode } from './model';

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedGroup {
  id: string;
  label: string;
  state: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge extends GraphEdge {
  points: { x: number; y: number }[];
  labelAt?: { x: number; y: number };
}

export interface Layout {
  nodes: PlacedNode[];
  groups: PlacedGroup[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 40;

function nodeSize(node: GraphNode): { width: number; height: number } {
  if (node.kind === 'Start' || node.kind === 'End') return { width: 64, height: 28 };
  if (node.kind === 'Join') return { width: 120, height: 22 };
  return { width: Math.max(110, Math.min(260, node.label.length * CHAR_WIDTH + 40)), height: NODE_HEIGHT };
}

/** Lays the model out; edge labels are long (Choice rules), so they are clipped for layout. */
export function layoutGraph(model: GraphModel): Layout {
  const g = new Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 30, ranksep: 46, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const group of model.groups) g.setNode(group.id, { label: group.label, paddingTop: 24 } as never);
  for (const group of model.groups) if (group.parent) g.setParent(group.id, group.parent);
  for (const node of model.nodes) {
    g.setNode(node.id, nodeSize(node));
    if (node.parent) g.setParent(node.id, node.parent);
  }
  model.edges.forEach((edge, i) => {
    const label = edge.label ? edge.label.slice(0, 28) : '';
    g.setEdge(edge.from, edge.to, { width: label.length * 6, height: label ? 14 : 0, labelpos: 'c' }, `e${i}`);
  });
  layout(g);
  const nodes = model.nodes.map((node) => {
    const placed = g.node(node.id);
    return { ...node, x: placed.x, y: placed.y, width: placed.width, height: placed.height };
  });
  const groups = model.groups.map((group) => {
    const placed = g.node(group.id);
    return { id: group.id, label: group.label, state: group.state, ...pick(placed) };
  });
  const edges = model.edges.map((edge, i) => {
    const placed = g.edge({ v: edge.from, w: edge.to, name: `e${i}` }) as unknown as {
      points: { x: number; y: number }[];
      x?: number;
      y?: number;
    };
    return {
      ...edge,
      points: placed.points,
      labelAt: placed.x !== undefined && placed.y !== undefined ? { x: placed.x, y: placed.y } : undefined,
    };
  });
  const graph = g.graph() as { width?: number; height?: number };
  const size = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? value : 0);
  return { nodes, groups, edges, width: size(graph.width), height: size(graph.height) };
}

function pick(placed: { x: number; y: number; width: number; height: number }) {
  return { x: placed.x, y: placed.y, width: placed.width, height: placed.height };
}
