import { StatesError, StatesErrors } from '../errors';
import { FunctionError, stepFunctionsBindings, type FunctionHost } from './functions';
import { DEFAULT_JSONATA_LIMITS, EvaluationLimitError, type JsonataLimits } from './limits';
import { compileExpression, JsonataSyntaxError, type CompiledExpression } from './parse';
import { expressionText, isExpressionString } from './template';

/**
 * The reserved variable `$states` of a JSONata state: `input` (the raw state input) and
 * `context` always; `result` in a Task/Parallel/Map's `Output`/`Assign`; `errorOutput` in a Catch.
 */
export interface StatesVariable {
  input: unknown;
  context: unknown;
  result?: unknown;
  errorOutput?: unknown;
}

/** Everything a JSONata expression of a state can see. */
export interface JsonataScope {
  states: StatesVariable;
  /** The workflow variables visible to the state (values as of state entry). */
  variables: Readonly<Record<string, unknown>>;
  /** The host's clock (`$now`, `$millis`) and random source (`$random`, `$uuid`). */
  host: FunctionHost;
  /** Overrides of DEFAULT_JSONATA_LIMITS. */
  limits?: Partial<JsonataLimits>;
}

/** Binding names a user expression cannot spell (JSONata names have no spaces). */
const LIMITS_KEY = ' stepflow limits';
const STEPS_KEY = ' stepflow steps';
const ENTRY_HOOK = Symbol.for('jsonata.__evaluate_entry');
const EXIT_HOOK = Symbol.for('jsonata.__evaluate_exit');

interface Frame {
  lookup(name: string | symbol): unknown;
  base: { depth: number };
}

/** Counts each evaluation step against the budget bound in the evaluation's own frame. */
function onEntry(_expr: unknown, _input: unknown, env: Frame): void {
  const limits = env.lookup(LIMITS_KEY) as JsonataLimits;
  const steps = env.lookup(STEPS_KEY) as { count: number };
  if (++steps.count > limits.maxSteps) {
    throw new EvaluationLimitError(`The expression exceeded Stepflow's limit of ${limits.maxSteps} evaluation steps`);
  }
  if (env.base.depth > limits.maxDepth) {
    throw new EvaluationLimitError(`The expression exceeded Stepflow's limit of ${limits.maxDepth} nested evaluations`);
  }
}

/** Stops a step whose result is already too large to ever fit a payload. */
function onExit(_expr: unknown, _input: unknown, env: Frame, result: unknown): void {
  const limits = env.lookup(LIMITS_KEY) as JsonataLimits;
  if (typeof result === 'string' && result.length > limits.maxStringLength) {
    throw new EvaluationLimitError(
      `The expression built a string longer than Stepflow's limit of ${limits.maxStringLength} characters`,
    );
  }
  if (Array.isArray(result) && result.length > limits.maxArrayLength) {
    throw new EvaluationLimitError(
      `The expression built an array longer than Stepflow's limit of ${limits.maxArrayLength} items`,
    );
  }
}

const hooked = new WeakSet<CompiledExpression>();

function withHooks(compiled: CompiledExpression): CompiledExpression {
  if (!hooked.has(compiled)) {
    const assign = compiled.assign as (name: string | symbol, value: unknown) => void;
    assign(ENTRY_HOOK, onEntry);
    assign(EXIT_HOOK, onExit);
    hooked.add(compiled);
  }
  return compiled;
}

/** The start of every evaluation cause: "The JSONata expression '<expr>' specified for the field '<field>'". */
function subject(text: string, field: string): string {
  return `The JSONata expression '${text}' specified for the field '${field}'`;
}

/** A `States.QueryEvaluationError` raised by a JSONata field, with the field it happened in. */
export class QueryEvaluationFailure extends StatesError {
  constructor(
    /** The field as AWS names it in `EvaluationFailed.location`, e.g. `Output/result`. */
    readonly location: string,
    cause: string,
  ) {
    super(StatesErrors.QueryEvaluationError, cause);
  }
}

/** A `States.QueryEvaluationError` about expression `text` in `field`. */
export function queryError(text: string, field: string, problem: string): QueryEvaluationFailure {
  return new QueryEvaluationFailure(field, `${subject(text, field)} ${problem}`);
}

function isFunctionValue(value: unknown): boolean {
  if (typeof value === 'function') return true;
  const v = value as { _jsonata_lambda?: boolean; _jsonata_function?: boolean } | null;
  return typeof value === 'object' && value !== null && (v?._jsonata_lambda === true || v?._jsonata_function === true);
}

function describeFailure(err: unknown): string {
  if (err instanceof EvaluationLimitError) return err.message;
  if (err instanceof FunctionError) return `${err.code}: ${err.message}`;
  const e = err as { code?: string; message?: string };
  // JSONata's own D2015 text names the attempted size as if it were the limit.
  // (the sequence option is maxArrayLength: the same bound onExit applies, checked before allocating).
  if (e?.code === 'D2015')
    return `The expression built an array longer than Stepflow's limit of ${DEFAULT_JSONATA_LIMITS.maxArrayLength} items`;
  if (typeof e?.code === 'string') return `${e.code}: ${e.message ?? ''}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Evaluates one JSONata expression (the text inside `{% %}`) for `field` (e.g. `Output/result`,
 * used in causes). The result is a JSON value: sequences become arrays, and anything JSON cannot
 * hold is dropped as JSON.stringify drops it. Fails with `States.QueryEvaluationError` when the
 * expression throws, returns nothing (undefined) or returns a function, with AWS's causes.
 */
export async function evaluateExpression(text: string, scope: JsonataScope, field: string): Promise<unknown> {
  let compiled: CompiledExpression;
  try {
    compiled = withHooks(compileExpression(text));
  } catch (err) {
    if (err instanceof JsonataSyntaxError) throw queryError(text, field, `could not be parsed. ${err.message}`);
    throw err;
  }
  const limits = { ...DEFAULT_JSONATA_LIMITS, ...scope.limits };
  const bindings: Record<string, unknown> = {
    ...scope.variables,
    ...stepFunctionsBindings(scope.host, scope.host.now()),
    states: scope.states,
    [LIMITS_KEY]: limits,
    [STEPS_KEY]: { count: 0 },
  };
  let result: unknown;
  try {
    // `$` (the input document) is not the state input in Step Functions: expressions read `$states`.
    result = await compiled.evaluate(undefined, bindings);
  } catch (err) {
    throw queryError(text, field, `threw an error during evaluation. ${describeFailure(err)}`);
  }
  if (result === undefined) throw queryError(text, field, 'returned nothing (undefined).');
  if (isFunctionValue(result)) throw queryError(text, field, 'returned an unsupported result type.');
  return JSON.parse(JSON.stringify(result)) as unknown;
}

/**
 * Evaluates a JSONata field value (`Arguments`, `Output`, `Assign` values, `Items`, …): every
 * string `{% … %}` at any depth of objects and arrays is replaced by its expression's value, in
 * document order; other values are copied as written. `field` names the top-level field; nested
 * values are reported as `Field/key/0/…`, as AWS does.
 */
export async function evaluateTemplate(template: unknown, scope: JsonataScope, field: string): Promise<unknown> {
  if (isExpressionString(template)) return evaluateExpression(expressionText(template), scope, field);
  if (Array.isArray(template)) {
    const out: unknown[] = [];
    for (let i = 0; i < template.length; i++) out.push(await evaluateTemplate(template[i], scope, `${field}/${i}`));
    return out;
  }
  if (typeof template === 'object' && template !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template))
      out[key] = await evaluateTemplate(value, scope, `${field}/${key}`);
    return out;
  }
  return template;
}

/** A JSON value's type as AWS names it in causes. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * A field value that must have a given JSON type (`Items` an array, `Condition` a boolean, …):
 * fails with AWS's cause "… returned an unexpected result type. Expected 'array', but was
 * 'number' for value: 1" when an expression yields something else.
 */
export async function evaluateTyped(
  template: unknown,
  scope: JsonataScope,
  field: string,
  expected: 'array' | 'object' | 'string' | 'number' | 'boolean',
): Promise<unknown> {
  const value = await evaluateTemplate(template, scope, field);
  if (isExpressionString(template) && jsonTypeName(value) !== expected) {
    throw queryError(
      expressionText(template),
      field,
      `returned an unexpected result type. Expected '${expected}', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value)}`,
    );
  }
  return value;
}
