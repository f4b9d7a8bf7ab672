import jsonata from 'jsonata';
import { isJsonObject } from '../core/validate/walk';

/**
 * `variableReferences` of DescribeStateMachine: for each state (nested Map and Parallel states
 * included, by name), the workflow variables its fields read, sorted by name. A JSONPath state
 * reads a variable through a path that starts with `$name` (InputPath, `*Path` fields, `.$`
 * template values, Choice rules) or an intrinsic function argument; a JSONata state through
 * `$name` in any `{% %}` expression (not `$states`, not function calls, not names the expression
 * binds itself). States that read none are left out; undefined when no state reads any.
 */
export function variableReferences(definition: unknown): Record<string, string[]> | undefined {
  const found: Record<string, string[]> = {};
  walkStates(definition, 'JSONPath', found);
  return Object.keys(found).length > 0 ? found : undefined;
}

/** The fields that hold nested state machines (walked as their own states, not as fields). */
const NESTED = new Set(['ItemProcessor', 'Iterator', 'Branches']);
/** Fields that never hold an expression. */
const INERT = new Set(['Type', 'Next', 'End', 'Default', 'Comment', 'QueryLanguage', 'Resource', 'Retry']);

function walkStates(machine: unknown, inherited: string, found: Record<string, string[]>): void {
  if (!isJsonObject(machine) || !isJsonObject(machine.States)) return;
  const language = typeof machine.QueryLanguage === 'string' ? machine.QueryLanguage : inherited;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isJsonObject(state)) continue;
    const own = typeof state.QueryLanguage === 'string' ? state.QueryLanguage : language;
    const names = new Set<string>();
    for (const [field, value] of Object.entries(state)) {
      if (NESTED.has(field) || INERT.has(field)) continue;
      if (own === 'JSONata') collectJsonata(value, names);
      else collectJsonPathField(field, value, names);
    }
    if (names.size > 0) found[name] = [...names].sort();
    for (const nested of [state.ItemProcessor, state.Iterator]) walkStates(nested, own, found);
    if (Array.isArray(state.Branches)) for (const branch of state.Branches) walkStates(branch, own, found);
  }
}

/** `$name` at the start of a JSONPath path (not `$`, `$.x` or `$$`). */
const PATH_VARIABLE = /^\$([\p{L}_][\p{L}\p{N}_]*)/u;

/** A `.$` value: a path, or an intrinsic function whose arguments may be paths. */
function collectPathOrIntrinsic(text: string, names: Set<string>): void {
  if (text.startsWith('States.')) {
    // Arguments outside quoted strings: `$name`, `$name.x`, never `$.x` or `$$.x`.
    const unquoted = text.replace(/'(?:\\.|[^'\\])*'/g, "''");
    for (const match of unquoted.matchAll(/(?<![\p{L}\p{N}_$])\$([\p{L}_][\p{L}\p{N}_]*)/gu)) names.add(match[1]);
    return;
  }
  const match = PATH_VARIABLE.exec(text);
  if (match) names.add(match[1]);
}

/** A JSONPath state's field: a `*Path` / `Variable` string, a template, Choice rules, catchers. */
function collectJsonPathField(field: string, value: unknown, names: Set<string>): void {
  if (typeof value === 'string') {
    if (field.endsWith('Path') || field === 'Variable') collectPathOrIntrinsic(value, names);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectJsonPathField(field, item, names);
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    if (key.endsWith('.$') && typeof inner === 'string') collectPathOrIntrinsic(inner, names);
    else if (key !== 'Next') collectJsonPathField(key, inner, names);
  }
}

/** Every `{% %}` expression anywhere in a JSONata state's field. */
function collectJsonata(value: unknown, names: Set<string>): void {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('{%') && text.endsWith('%}')) collectExpression(text.slice(2, -2), names);
    return;
  }
  if (Array.isArray(value)) for (const item of value) collectJsonata(item, names);
  else if (isJsonObject(value)) for (const inner of Object.values(value)) collectJsonata(inner, names);
}

function collectExpression(expression: string, names: Set<string>): void {
  let ast: unknown;
  try {
    ast = jsonata(expression).ast();
  } catch {
    return; // the validator reports it; a definition that is stored has none
  }
  const read = new Set<string>();
  const bound = new Set<string>();
  visit(ast, read, bound);
  for (const name of read) if (!bound.has(name) && name !== 'states' && name !== '' && name !== '$') names.add(name);
}

/** Walks a JSONata AST: `variable` nodes read, `bind` and lambda parameters bind, calls are not reads. */
function visit(node: unknown, read: Set<string>, bound: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, read, bound);
    return;
  }
  if (!isJsonObject(node)) return;
  if (node.type === 'variable' && typeof node.value === 'string') read.add(node.value);
  if (node.type === 'bind' && isJsonObject(node.lhs) && typeof node.lhs.value === 'string') bound.add(node.lhs.value);
  if (node.type === 'lambda' && Array.isArray(node.arguments)) {
    for (const arg of node.arguments) if (isJsonObject(arg) && typeof arg.value === 'string') bound.add(arg.value);
  }
  for (const [key, inner] of Object.entries(node)) {
    if (key === 'position' || key === 'value') continue;
    // A call's procedure names a function ($not, $sum…), not a variable read.
    if (key === 'procedure' && (node.type === 'function' || node.type === 'partial')) continue;
    visit(inner, read, bound);
  }
}
