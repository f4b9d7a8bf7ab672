/**
 * The graph of an ASL definition, before layout: one node per state, Parallel branches and Map
 * processors as nested groups, and an edge per transition (`Next`, `Default`, each Choice rule,
 * each `Catch`). Pure: no DOM, no layout.
 */

export type EdgeKind = 'next' | 'choice' | 'default' | 'catch' | 'branch' | 'join';

export interface GraphNode {
  /** Unique in the graph: the state name, or a synthetic id (`#start`, `#end`, `<group>#join`). */
  id: string;
  label: string;
  /** The ASL state type, or `Start`/`End`/`Join` for synthetic nodes. */
  kind: string;
  /** The state this node shows (absent for synthetic nodes). */
  state?: string;
  /** The group (Parallel branch or Map processor) it is drawn in. */
  parent?: string;
  /** How many retriers the state declares (`Retry`), and their errors. */
  retry?: string[];
}

export interface GraphGroup {
  id: string;
  label: string;
  parent?: string;
  /** The Parallel or Map state the group belongs to. */
  state: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

export interface GraphModel {
  nodes: GraphNode[];
  groups: GraphGroup[];
  edges: GraphEdge[];
  /** JSON pointer of each state in the definition (`/States/A/Branches/0/States/B`). */
  pointers: Map<string, string>;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A short label of a Choice rule: its comparison, e.g. `$.n NumericGreaterThan 5`. */
export function choiceRuleLabel(rule: Json): string {
  if (typeof rule.Condition === 'string') return rule.Condition;
  for (const combinator of ['And', 'Or'] as const) {
    const list = rule[combinator];
    if (Array.isArray(list)) return list.filter(isObject).map(choiceRuleLabel).join(` ${combinator.toLowerCase()} `);
  }
  if (isObject(rule.Not)) return `not (${choiceRuleLabel(rule.Not)})`;
  const operator = Object.keys(rule).find((key) => !['Variable', 'Next', 'Comment', 'Assign', 'Output'].includes(key));
  if (!operator) return String(rule.Variable ?? '');
  return `${String(rule.Variable ?? '')} ${operator} ${JSON.stringify(rule[operator])}`;
}

/** The graph of a definition; tolerant of partial or invalid definitions (the editor draws as you type). */
export function buildGraph(definition: unknown): GraphModel {
  const model: GraphModel = { nodes: [], groups: [], edges: [], pointers: new Map() };
  if (!isObject(definition)) return model;
  model.nodes.push({ id: '#start', label: 'Start', kind: 'Start' });
  model.nodes.push({ id: '#end', label: 'End', kind: 'End' });
  const endOf = addMachine(model, definition, '', undefined, '#end');
  if (endOf.start) model.edges.push({ from: '#start', to: endOf.start, kind: 'next' });
  return model;
}

/**
 * Adds the states of one (sub-)machine, inside `parent`; terminal states lead to `exit`.
 * Returns its StartAt when that state exists.
 */
function addMachine(
  model: GraphModel,
  machine: Json,
  pointer: string,
  parent: string | undefined,
  exit: string,
): { start?: string } {
  const states = isObject(machine.States) ? machine.States : {};
  const names = new Set(Object.keys(states));
  const target = (name: unknown) => (typeof name === 'string' && names.has(name) ? name : undefined);
  for (const [name, raw] of Object.entries(states)) {
    const state = isObject(raw) ? raw : {};
    const type = typeof state.Type === 'string' ? state.Type : '?';
    const statePointer = `${pointer}/States/${escapePointer(name)}`;
    model.pointers.set(name, statePointer);
    const retry = Array.isArray(state.Retry)
      ? state.Retry.filter(isObject).map((r) => (Array.isArray(r.ErrorEquals) ? r.ErrorEquals.join(', ') : '?'))
      : undefined;
    // A Parallel or Map is a group: a head node (the state), its branches inside, a join node
    // where they meet; the state's own transitions leave from the join.
    let leaves = name;
    if (type === 'Parallel' || type === 'Map') {
      const group = `${name}#group`;
      model.groups.push({ id: group, label: `${type} ${name}`, parent, state: name });
      model.nodes.push({ id: name, label: name, kind: type, state: name, parent: group, retry });
      const join = `${name}#join`;
      model.nodes.push({
        id: join,
        label: type === 'Map' ? 'iterations done' : 'branches done',
        kind: 'Join',
        parent: group,
      });
      const subs =
        type === 'Parallel'
          ? (Array.isArray(state.Branches) ? state.Branches : []).map((branch, i) => ({
              machine: branch,
              pointer: `${statePointer}/Branches/${i}`,
              label: `Branch ${i + 1}`,
            }))
          : [
              {
                machine: state.ItemProcessor ?? state.Iterator,
                pointer: `${statePointer}/${state.ItemProcessor ? 'ItemProcessor' : 'Iterator'}`,
                label: 'Item processor',
              },
            ];
      subs.forEach((sub, i) => {
        if (!isObject(sub.machine)) return;
        const subGroup = `${name}#${i}`;
        model.groups.push({ id: subGroup, label: sub.label, parent: group, state: name });
        const { start } = addMachine(model, sub.machine, sub.pointer, subGroup, join);
        if (start) model.edges.push({ from: name, to: start, kind: 'branch' });
      });
      leaves = join;
    } else {
      model.nodes.push({ id: name, label: name, kind: type, state: name, parent, retry });
    }
    if (type === 'Choice') {
      const choices = Array.isArray(state.Choices) ? state.Choices : [];
      choices.forEach((rule, i) => {
        const to = isObject(rule) ? target(rule.Next) : undefined;
        if (to && isObject(rule))
          model.edges.push({ from: leaves, to, kind: 'choice', label: `#${i} ${choiceRuleLabel(rule)}` });
      });
      const fallback = target(state.Default);
      if (fallback) model.edges.push({ from: leaves, to: fallback, kind: 'default', label: 'Default' });
    } else {
      const next = target(state.Next);
      if (next) model.edges.push({ from: leaves, to: next, kind: 'next' });
      else if (state.End === true || type === 'Succeed' || type === 'Fail')
        model.edges.push({ from: leaves, to: exit, kind: 'next' });
    }
    if (Array.isArray(state.Catch)) {
      for (const catcher of state.Catch.filter(isObject)) {
        const to = target(catcher.Next);
        const errors = Array.isArray(catcher.ErrorEquals) ? catcher.ErrorEquals.join(', ') : '?';
        if (to) model.edges.push({ from: leaves, to, kind: 'catch', label: `Catch ${errors}` });
      }
    }
  }
  return { start: target(machine.StartAt) };
}

/** RFC 6901: `~` and `/` in a key. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The state a JSON pointer of the definition points into (the deepest `States/<name>`), if any. */
export function stateOfPointer(pointer: string): string | undefined {
  const parts = pointer.split('/').slice(1);
  let found: string | undefined;
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] === 'States') found = parts[i + 1].replace(/~1/g, '/').replace(/~0/g, '~');
  }
  return found;
}
