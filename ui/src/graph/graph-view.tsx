/** The state graph as SVG: groups for Parallel/Map, a node per state coloured by its status. */
import { useMemo } from 'preact/hooks';
import type { StateView } from '../execution/status';
import { layoutGraph, type PlacedEdge } from './layout';
import type { GraphModel } from './model';

export interface GraphViewProps {
  model: GraphModel;
  /** Status of each state that ran (an execution's graph); absent for a definition. */
  states?: Map<string, StateView>;
  /** States with a validation problem (the editor's graph). */
  problems?: Set<string>;
  selected?: string;
  onSelect?: (state: string) => void;
  /** Transitions taken, as `from→to` (a Choice's matched rule is drawn bold). */
  taken?: Set<string>;
  label: string;
}

const STATUS_TEXT: Record<string, string> = {
  'not-run': 'not run',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  caught: 'caught',
  aborted: 'aborted',
};

/** The second line of a state's box: its type, status and retries (also read by screen readers). */
export function nodeDetail(kind: string, view: StateView | undefined, showStatus: boolean): string {
  const parts = [kind];
  if (showStatus) parts.push(STATUS_TEXT[view?.status ?? 'not-run']);
  if (view && view.retries > 0) parts.push(`retried ${view.retries}×`);
  return parts.join(' · ');
}

function pathOf(edge: PlacedEdge): string {
  return edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

export function GraphView({ model, states, problems, selected, onSelect, taken, label }: GraphViewProps) {
  const laid = useMemo(() => layoutGraph(model), [model]);
  const showStatus = states !== undefined;
  return (
    <div class="graph-scroll" tabIndex={0} role="region" aria-label={`${label} (scrolls)`}>
      <svg
        class="graph"
        width={laid.width}
        height={laid.height}
        viewBox={`0 0 ${laid.width} ${laid.height}`}
        role="group"
        aria-label={label}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="8"
            markerHeight="8"
            markerUnits="userSpaceOnUse"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
          </marker>
        </defs>
        {laid.groups.map((group) => (
          <g key={group.id} class="graph-group">
            <rect
              x={group.x - group.width / 2}
              y={group.y - group.height / 2}
              width={group.width}
              height={group.height}
              rx="8"
            />
            <text x={group.x - group.width / 2 + 8} y={group.y - group.height / 2 + 15}>
              {group.label}
            </text>
          </g>
        ))}
        {laid.edges.map((edge, i) => {
          const isTaken = taken?.has(`${edge.from}→${edge.to}`);
          return (
            <g key={i} class={`edge edge-${edge.kind}${isTaken ? ' edge-taken' : ''}`}>
              {edge.label && <title>{edge.label}</title>}
              <path d={pathOf(edge)} marker-end="url(#arrow)" />
              {edge.label && edge.labelAt && (
                <text x={edge.labelAt.x} y={edge.labelAt.y + 4} text-anchor="middle">
                  {edge.label.length > 28 ? `${edge.label.slice(0, 27)}…` : edge.label}
                </text>
              )}
            </g>
          );
        })}
        {laid.nodes.map((node) => {
          const view = node.state ? states?.get(node.state) : undefined;
          const status = showStatus && node.state ? (view?.status ?? 'not-run') : undefined;
          const hasProblem = node.state !== undefined && problems?.has(node.state) === true;
          const selectable = node.state !== undefined && onSelect !== undefined;
          const classes = [
            'node',
            `node-${node.kind.toLowerCase()}`,
            status ? `status-${status}` : '',
            hasProblem ? 'node-problem' : '',
            selected !== undefined && node.state === selected ? 'node-selected' : '',
          ].join(' ');
          const detail = nodeDetail(node.kind, view, showStatus);
          // The button's accessible name is its visible text (name, then type · status · retries):
          // the trailing space keeps the two lines apart when the text is read as one.
          const x = node.x - node.width / 2;
          const y = node.y - node.height / 2;
          return (
            <g
              key={node.id}
              class={classes}
              data-state={node.state}
              data-status={status}
              {...(selectable
                ? {
                    // SVG attributes are case-sensitive: `tabindex`, not `tabIndex`.
                    tabindex: 0,
                    role: 'button',
                    'aria-pressed': node.state === selected,
                    onClick: () => onSelect(node.state as string),
                    onKeyDown: (e: KeyboardEvent) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        onSelect(node.state as string);
                      }
                    },
                  }
                : { 'aria-hidden': node.state === undefined ? 'true' : undefined })}
            >
              <rect x={x} y={y} width={node.width} height={node.height} rx={node.kind === 'Choice' ? 14 : 6} />
              <text x={node.x} y={node.state ? node.y - 2 : node.y + 4} text-anchor="middle" class="node-label">
                {`${node.label} `}
              </text>
              {node.state && (
                <text x={node.x} y={node.y + 13} text-anchor="middle" class="node-kind">
                  {detail}
                </text>
              )}
              {node.retry && node.retry.length > 0 && (
                <g>
                  <title>{`Retry on ${node.retry.join('; ')}`}</title>
                  <text x={x + node.width - 6} y={y + 11} text-anchor="end" class="node-retry">
                    Retry
                  </text>
                </g>
              )}
              {hasProblem && (
                <text x={x + 6} y={y + 11} class="node-problem-mark">
                  problem
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
