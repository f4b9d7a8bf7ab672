import type { HistoryEvent } from '../schemas/history';
import { compilePlan } from '../engine/core/compile';
import { StatesError } from '../engine/core/errors';
import { runExecution, type ExecutionInfo, type TopLevelMachine } from '../engine/core/interpreter';
import { MemoryHost, type MemoryFunction } from '../engine/core/interpreter/memory-host';
import { parseDefinition, validateDefinition } from '../engine/core/validate';
import { materialize } from './hostile';

/** One case of the definitions target: a definition and an input for it. */
export interface DefinitionCase {
  definition: unknown;
  input: unknown;
}

/** What a case showed: `failure` names the broken rule (the case's signature); `tags` feed the summary. */
export interface Verdict {
  failure?: { kind: string; detail: string; stack?: string };
  tags: string[];
}

/** Events after which an execution is stopped by the fuzzer (a loop the definition asked for). */
export const MAX_FUZZ_EVENTS = 5_000;
const BOUND_MESSAGE = 'fuzz: event bound reached';

/**
 * Messages V8 gives its own TypeError/RangeError/ReferenceError: a `States.*` cause holding one
 * is a JavaScript error that escaped the engine's own checks and was merely wrapped.
 */
const JS_ERROR_MESSAGE =
  /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not defined|Maximum call stack size exceeded|Invalid array length|Invalid string length|is not a constructor|Cannot destructure|Converting circular structure|Reduce of empty array|Cannot convert undefined or null|Cannot create property|Invalid time value|Cannot access '.*' before initialization|Cannot mix BigInt|Array buffer allocation failed/;

const EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:123456789012:execution:fuzz:case',
  name: 'case',
  stateMachineId: 'arn:aws:states:us-east-1:123456789012:stateMachine:fuzz',
  stateMachineName: 'fuzz',
  roleArn: 'arn:aws:iam::123456789012:role/fuzz',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};

/** The functions Tasks of generated definitions call (a null-prototype map: `constructor` is no function). */
function fuzzFunctions(): Record<string, MemoryFunction> {
  const functions = Object.create(null) as Record<string, MemoryFunction>;
  functions.echo = (payload) => payload;
  functions.add = (payload) => (typeof payload === 'object' && payload !== null ? Object.keys(payload).length : 1);
  functions.boom = () => {
    const err = new Error('boom');
    err.name = 'Boom';
    throw err;
  };
  return functions;
}

/** A MemoryHost that stops an execution once it has written MAX_FUZZ_EVENTS events. */
class BoundedHost extends MemoryHost {
  bounded = false;

  private check(): void {
    if (this.written.length + this.history.pendingCount > MAX_FUZZ_EVENTS) {
      this.bounded = true;
      throw new StatesError('States.Runtime', BOUND_MESSAGE);
    }
  }

  override async flush(): Promise<void> {
    this.check();
    return super.flush();
  }

  override async sleep(...args: Parameters<MemoryHost['sleep']>): Promise<void> {
    this.check();
    return super.sleep(...args);
  }

  override async invokeTask(invocation: Parameters<MemoryHost['invokeTask']>[0]) {
    this.check();
    return super.invokeTask(invocation);
  }
}

function failed(kind: string, err: unknown, tags: string[]): Verdict {
  const error = err instanceof Error ? err : new Error(String(err));
  return { failure: { kind, detail: `${error.name}: ${error.message}`.slice(0, 500), stack: error.stack }, tags };
}

/** Why the history is not a whole one (ids 1..n in order, ExecutionStarted first, the end last), or undefined. */
function historyProblem(events: HistoryEvent[], status: string): string | undefined {
  for (let i = 0; i < events.length; i++) {
    if ((events[i] as HistoryEvent).id !== i + 1)
      return `event ${i} has id ${(events[i] as HistoryEvent).id}, expected ${i + 1}`;
  }
  if (events[0]?.type !== 'ExecutionStarted') return `first event is ${events[0]?.type}`;
  const last = events[events.length - 1]?.type;
  const expected = { SUCCEEDED: 'ExecutionSucceeded', FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut' }[
    status
  ];
  return last === expected ? undefined : `last event is ${last} for an execution ${status}`;
}

/**
 * The definitions target's oracle: the validator never throws; an accepted definition compiles;
 * the interpreter (in memory, virtual time) ends SUCCEEDED, FAILED or TIMED_OUT with a whole
 * history, and a failure is a `States.*` (or user) error, never a wrapped JavaScript error.
 */
export async function checkDefinition(testCase: DefinitionCase): Promise<Verdict> {
  const tags: string[] = [];
  const definition = materialize(testCase.definition);
  let accepted: ReturnType<typeof parseDefinition>;
  try {
    validateDefinition(definition);
    accepted = parseDefinition(definition);
  } catch (err) {
    return failed('validator threw', err, tags);
  }
  if (!accepted.definition) return { tags: ['rejected'] };
  tags.push('accepted');
  let machine: TopLevelMachine;
  try {
    machine = compilePlan(accepted.definition).definition as TopLevelMachine;
  } catch (err) {
    return failed('compile threw', err, tags);
  }
  const host = new BoundedHost(fuzzFunctions());
  let run: Awaited<ReturnType<typeof runExecution>>;
  try {
    run = await runExecution(machine, materialize(testCase.input), EXECUTION, host);
  } catch (err) {
    return failed('interpreter threw', err, tags);
  }
  const { outcome } = run;
  tags.push(outcome.status);
  if (host.bounded) return { tags: [...tags, 'bounded by the fuzzer'] };
  if (outcome.status !== 'SUCCEEDED') {
    tags.push(outcome.error.startsWith('States.') ? outcome.error : 'user error');
    if (typeof outcome.error !== 'string' || typeof outcome.cause !== 'string') {
      return { failure: { kind: 'error or cause is not text', detail: JSON.stringify(outcome).slice(0, 500) }, tags };
    }
    if (JS_ERROR_MESSAGE.test(outcome.cause)) {
      return {
        failure: { kind: `JavaScript error surfaced as ${outcome.error}`, detail: outcome.cause.slice(0, 500) },
        tags,
      };
    }
  }
  const problem = historyProblem([...host.written, ...run.pendingEvents], outcome.status);
  if (problem) return { failure: { kind: 'history not whole', detail: problem }, tags };
  return { tags };
}
