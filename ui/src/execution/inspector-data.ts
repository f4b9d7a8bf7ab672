/**
 * The inspector's data, read from history: the stages of one state run (from the
 * `stepflow.inspection` extension of its exit event, docs/history-extensions.md; a stage equal
 * to the one before it is not recorded and shows as "unchanged"), and a Choice's record
 * (`stepflow.choice`).
 */
import { stateMachineArn } from '../actions/copy-command';
import type { HistoryEvent } from '../history-event';
import { detailsOf, parseJsonText, type StateEntry } from './status';

/** The inspection stages in order, with their labels. */
export const STAGES: readonly (readonly [string, string])[] = [
  ['input', 'Input'],
  ['afterInputPath', 'After InputPath'],
  ['afterParameters', 'After Parameters'],
  ['afterArguments', 'After Arguments'],
  ['result', 'Result'],
  ['afterResultSelector', 'After ResultSelector'],
  ['afterResultPath', 'After ResultPath'],
  ['output', 'Output'],
];

/** The rows of the data flow of one entry: each stage with its value, or `unchanged`. */
export function dataFlow(entry: StateEntry): { key: string; label: string; value: unknown; unchanged: boolean }[] {
  const entered = detailsOf(entry.entered) ?? {};
  const exited = entry.exited ? (detailsOf(entry.exited) ?? {}) : {};
  const extension = (exited.stepflow ?? {}) as { inspection?: Record<string, unknown> };
  const inspection = extension.inspection;
  if (!inspection) {
    const rows = [{ key: 'input', label: 'Input', value: parseJsonText(entered.input), unchanged: false }];
    // What the resource was called with (after InputPath and Parameters), from its scheduled event.
    const scheduled = entry.events.find((event) => /Scheduled$/.test(event.type));
    const sent = scheduled ? detailsOf(scheduled)?.input : undefined;
    if (sent !== undefined)
      rows.push({
        key: 'afterParameters',
        label: 'Sent to the resource',
        value: parseJsonText(sent),
        unchanged: false,
      });
    if (entry.exited)
      rows.push({ key: 'output', label: 'Output', value: parseJsonText(exited.output), unchanged: false });
    return rows;
  }
  const rows: { key: string; label: string; value: unknown; unchanged: boolean }[] = [];
  // The events carry JSON text; the extension carries the values themselves.
  let previous: unknown = parseJsonText(entered.input);
  for (const [key, label] of STAGES) {
    if (key === 'input') {
      rows.push({ key, label, value: previous, unchanged: false });
      continue;
    }
    // Parameters and Arguments are alternatives: show the one the state has.
    if ((key === 'afterParameters' || key === 'afterArguments') && !(key in inspection)) continue;
    if (key in inspection) {
      previous = inspection[key];
      rows.push({ key, label, value: previous, unchanged: false });
    } else if (key === 'output' && entry.exited) {
      rows.push({ key, label, value: parseJsonText(exited.output), unchanged: false });
    } else if (key === 'result' && !entry.exited) {
      continue;
    } else rows.push({ key, label, value: previous, unchanged: true });
  }
  return rows;
}

/** One comparison a JSONPath Choice rule made (`stepflow.choice.rules[].comparisons`). */
export interface ChoiceComparison {
  variable: string;
  operator: string;
  expected: unknown;
  /** Absent when `variable` selected nothing (`IsPresent`). */
  actual?: unknown;
  result: boolean;
}

/** One rule the Choice evaluated: its comparisons (JSONPath) or its `condition` (JSONata). */
export interface ChoiceRuleRecord {
  index: number;
  result: boolean;
  comparisons?: ChoiceComparison[];
  condition?: unknown;
}

/** The Choice extension of an exit event (docs/history-extensions.md): the rule that matched, where it led, every rule evaluated. */
export interface ChoiceRecord {
  matched: number | 'Default' | undefined;
  next?: string;
  rules: ChoiceRuleRecord[];
}

export function choiceOf(entry: StateEntry): ChoiceRecord | undefined {
  const exited = entry.exited ? detailsOf(entry.exited) : undefined;
  const choice = (exited?.stepflow as { choice?: Record<string, unknown> } | undefined)?.choice;
  if (!choice) return undefined;
  const { matched, next, rules } = choice;
  return {
    matched: typeof matched === 'number' || matched === 'Default' ? matched : undefined,
    next: typeof next === 'string' ? next : undefined,
    rules: Array.isArray(rules) ? (rules as ChoiceRuleRecord[]) : [],
  };
}

/**
 * The rows of the Choice table: one per comparison made (a JSONata rule is one row, its
 * condition), each with the rule it belongs to and whether it matched.
 */
export interface ChoiceRow {
  rule: number;
  /** Rows of the same rule share the first one's rule cell. */
  first: boolean;
  span: number;
  ruleResult: boolean;
  matched: boolean;
  test: string;
  expected?: unknown;
  actual?: unknown;
  hasActual: boolean;
  result: boolean;
}

export function choiceRows(record: ChoiceRecord): ChoiceRow[] {
  const rows: ChoiceRow[] = [];
  for (const rule of record.rules) {
    const matched = record.matched === rule.index;
    if (rule.comparisons && rule.comparisons.length > 0) {
      rule.comparisons.forEach((c, i) =>
        rows.push({
          rule: rule.index,
          first: i === 0,
          span: rule.comparisons!.length,
          ruleResult: rule.result,
          matched,
          test: `${c.variable} ${c.operator}`,
          expected: c.expected,
          actual: c.actual,
          hasActual: 'actual' in c,
          result: c.result,
        }),
      );
    } else {
      rows.push({
        rule: rule.index,
        first: true,
        span: 1,
        ruleResult: rule.result,
        matched,
        test: typeof rule.condition === 'string' ? rule.condition : JSON.stringify(rule.condition ?? null),
        hasActual: false,
        result: rule.result,
      });
    }
  }
  return rows;
}

/** What the inspector knows of the execution besides its history (DescribeExecution). */
export interface ExecutionFacts {
  executionArn: string;
  name: string;
  stateMachine: string;
  startDate: string;
}

/** States whose result a JSONata `Output`/`Assign` may read as `$states.result`. */
const WITH_RESULT = new Set(['Task', 'Parallel', 'Map']);
/** States that carry `Retry` (their Context object has `State.RetryCount`). */
const RETRYABLE = new Set(['Task', 'Parallel', 'Map']);
/** Events that begin an attempt of a retryable state. */
const ATTEMPT = /(Scheduled|^ParallelStateStarted|^MapStateStarted)$/;

/**
 * A JSONata state's `$states` as its expressions saw it: `input` (the state input), `context`
 * (the Context object: the execution's identity from its description and `ExecutionStarted`, the
 * state's name, entry time and retry count from its own events — the same values the engine
 * built it from), `result` (from `stepflow.inspection`, for a Task, Parallel or Map that
 * produced one) and `errorOutput` (for a run whose error a Catch caught).
 */
export function statesVariable(
  entry: StateEntry,
  events: readonly HistoryEvent[],
  facts: ExecutionFacts,
  caught: boolean,
): { name: string; value: unknown }[] {
  const entered = detailsOf(entry.entered) ?? {};
  const started = events.find((event) => event.type === 'ExecutionStarted');
  const startedDetails = started ? (detailsOf(started) ?? {}) : {};
  const redrives = events.filter((event) => event.type === 'ExecutionRedriven' && event.id < entry.entered.id).length;
  const attempts = entry.events.filter((event) => ATTEMPT.test(event.type)).length;
  const context = {
    Execution: {
      Id: facts.executionArn,
      Input: parseJsonText(startedDetails.input),
      Name: facts.name,
      RoleArn: startedDetails.roleArn,
      StartTime: facts.startDate,
      RedriveCount: redrives,
    },
    StateMachine: { Id: stateMachineArn(facts.stateMachine), Name: facts.stateMachine },
    State: {
      Name: entry.state,
      EnteredTime: entry.entered.timestamp,
      ...(RETRYABLE.has(entry.type) ? { RetryCount: Math.max(0, attempts - 1) } : {}),
    },
  };
  const rows: { name: string; value: unknown }[] = [
    { name: 'input', value: parseJsonText(entered.input) },
    { name: 'context', value: context },
  ];
  if (caught && entry.error) {
    rows.push({ name: 'errorOutput', value: { Error: entry.error.error ?? '', Cause: entry.error.cause ?? '' } });
  } else if (entry.exited && WITH_RESULT.has(entry.type)) {
    const exited = detailsOf(entry.exited) ?? {};
    const inspection = (exited.stepflow as { inspection?: Record<string, unknown> } | undefined)?.inspection ?? {};
    // A result left out equals the stage before it: the Arguments, else the input.
    const result =
      'result' in inspection
        ? inspection.result
        : 'afterArguments' in inspection
          ? inspection.afterArguments
          : parseJsonText(entered.input);
    rows.push({ name: 'result', value: result });
  }
  return rows;
}
