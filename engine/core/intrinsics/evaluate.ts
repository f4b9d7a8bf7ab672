import { parseOnce } from '../parse-once';
import { readPath } from '../paths';
import { IMPLEMENTATIONS, intrinsicFailure, type EvaluatedArgs, type IntrinsicEnv } from './functions';
import { parseIntrinsic, type IntrinsicArg, type IntrinsicCall } from './parser';
import { checkArguments } from './signatures';

/** Optional inputs of an evaluation that not every caller has. */
export interface IntrinsicScope {
  /** Workflow variables, read by `$name` arguments. */
  variables?: Record<string, unknown>;
}

function argValue(
  arg: IntrinsicArg,
  input: unknown,
  context: unknown,
  env: IntrinsicEnv,
  scope: IntrinsicScope,
): unknown {
  if (arg.kind === 'literal') return arg.value;
  if (arg.kind === 'path') return readPath(arg.path, input, context, scope.variables);
  return evaluateCall(arg.call, input, context, env, scope);
}

/**
 * Evaluates a parsed intrinsic call. Path arguments read `input` (`$`), `context` (`$$`) or
 * `scope.variables` (`$name`); a path that selects nothing propagates PathNotFoundError (the
 * caller names the field); a wrongly typed argument or a failing function is
 * `States.IntrinsicFailure`.
 */
export function evaluateCall(
  call: IntrinsicCall,
  input: unknown,
  context: unknown,
  env: IntrinsicEnv,
  scope: IntrinsicScope = {},
): unknown {
  const values = call.args.map((arg) => argValue(arg, input, context, env, scope));
  const problem = checkArguments(
    call.name,
    values.map((value) => ({ known: true, value })),
  );
  if (problem) throw intrinsicFailure(call.name, problem);
  const args: EvaluatedArgs = { values };
  const first = call.args[0];
  if (call.name === 'States.Format' && first?.kind === 'literal' && first.raw !== undefined)
    args.formatTemplate = first.raw;
  return IMPLEMENTATIONS[call.name](args, env);
}

/** Parsed intrinsic calls by text (see parse-once.ts). */
const PARSED_CALLS = new Map<string, IntrinsicCall>();

/** The parsed form of an intrinsic expression, parsed once; throws IntrinsicSyntaxError. */
export function parsedIntrinsic(expr: string): IntrinsicCall {
  return parseOnce(PARSED_CALLS, 'intrinsic', expr, parseIntrinsic);
}

/**
 * Parses (once) and evaluates an intrinsic expression (the value of a `.$` field such as
 * `"States.Format('Hello {}', $.name)"`). Throws IntrinsicSyntaxError for a malformed expression.
 */
export function evaluateIntrinsic(
  expr: string,
  input: unknown,
  context: unknown,
  env: IntrinsicEnv,
  scope: IntrinsicScope = {},
): unknown {
  return evaluateCall(parsedIntrinsic(expr), input, context, env, scope);
}
