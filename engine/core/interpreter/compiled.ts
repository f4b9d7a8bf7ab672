import type { State } from '../../../schemas/asl';
import { compileExpression, expressionText, isExpressionString } from '../jsonata';
import { parseAhead } from '../parse-once';
import { compileTemplate, preparseExpression } from '../payload-template';
import { JSONATA, jsonataFlow, jsonPathFlow, type DataFlow } from './flow';
import type { StateRunner } from './pipeline';
import type { MachineDef, StateDef } from './scope';
import { choiceRunner } from './states/choice';
import { failRunner } from './states/fail';
import { mapRunner } from './states/map';
import { parallelRunner } from './states/parallel';
import { passRunner } from './states/pass';
import { succeedRunner } from './states/succeed';
import { taskRunner } from './states/task';
import { waitRunner } from './states/wait';

/** One runner per ASL state `Type`: the state's own effect (the pipeline does the rest). */
const RUNNERS: Record<State['Type'], StateRunner<unknown>> = {
  Pass: passRunner,
  Task: taskRunner,
  Choice: choiceRunner,
  Wait: waitRunner,
  Succeed: succeedRunner,
  Fail: failRunner,
  Parallel: parallelRunner as StateRunner<unknown>,
  Map: mapRunner as StateRunner<unknown>,
};

/**
 * One state of a compiled machine: its definition typed by its `Type` (as `schemas/asl` declares
 * it), the runner of its effect and the data flow of its query language, chosen once.
 */
export type StateNode = {
  [T in State['Type']]: {
    type: T;
    name: string;
    definition: Extract<State, { Type: T }>;
    /** The same definition, as the runners read it. */
    state: StateDef;
    runner: StateRunner<unknown>;
    flow: DataFlow;
  };
}[State['Type']];

/** A (sub-)machine compiled: its nodes by state name; branches and item processors compiled with it. */
export interface CompiledMachine {
  startAt: string;
  nodes: ReadonlyMap<string, StateNode>;
  /** The machine's `QueryLanguage` the states without their own use. */
  language: string | undefined;
}

/** Compiled machines by the plan's machine object (the workflow's plan lives as long as its run). */
const COMPILED = new WeakMap<MachineDef, CompiledMachine>();

/** The fields whose states are a sub-machine (compiled as machines of their own). */
const SUB_MACHINES = new Set(['Branches', 'ItemProcessor', 'Iterator']);
/** JSONPath payload templates (a `.$` key takes a path or an intrinsic). */
const TEMPLATES = new Set(['Parameters', 'ResultSelector', 'ItemSelector', 'BatchInput', 'Assign']);

/**
 * Compiles a machine of the plan (the top level with its `QueryLanguage`, or a branch or item
 * processor with the top level's) into nodes, once per machine object: every JSONPath, intrinsic,
 * payload template and JSONata expression of its states is parsed here, and evaluations reuse
 * the parsed forms (see parse-once.ts). Pure and deterministic: the workflow compiles the plan it
 * received at the start of every run.
 */
export function compileMachine(machine: MachineDef, language: string | undefined): CompiledMachine {
  const compiled = COMPILED.get(machine);
  if (compiled && compiled.language === language) return compiled;
  const nodes = new Map<string, StateNode>();
  for (const [name, state] of Object.entries(machine.States)) {
    // A state that is not one is left out: reaching it fails the run as it always did.
    if (typeof state === 'object' && state !== null) nodes.set(name, compileState(name, state, language));
  }
  const result = { startAt: machine.StartAt, nodes, language };
  COMPILED.set(machine, result);
  return result;
}

/** Compiles one state (its sub-machines too) of a machine whose `QueryLanguage` is `language`. */
export function compileState(name: string, state: StateDef, language: string | undefined): StateNode {
  const jsonata = (state.QueryLanguage ?? language) === JSONATA;
  preparse(state, jsonata);
  for (const branch of (state.Branches ?? []) as MachineDef[]) compileMachine(branch, language);
  const processor = (state.ItemProcessor ?? state.Iterator) as MachineDef | undefined;
  if (processor) compileMachine(processor, language);
  return {
    type: state.Type,
    name,
    definition: state,
    state,
    runner: RUNNERS[state.Type as State['Type']],
    flow: jsonata ? jsonataFlow : jsonPathFlow,
  } as StateNode;
}

/** Parses the expressions of a state's fields (not of its sub-machines), ignoring those that fail. */
function preparse(value: unknown, jsonata: boolean): void {
  if (isExpressionString(value)) {
    if (jsonata) parseAhead(() => compileExpression(expressionText(value)));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) preparse(item, jsonata);
    return;
  }
  for (const [key, field] of Object.entries(value)) {
    if (SUB_MACHINES.has(key) || key === 'Result') continue;
    if (jsonata) preparse(field, jsonata);
    else if (TEMPLATES.has(key)) compileTemplate(field);
    else if (typeof field === 'string' && (key === 'Variable' || key.endsWith('Path'))) preparseExpression(field);
    else preparse(field, jsonata);
  }
}
