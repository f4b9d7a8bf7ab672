import { StatesError } from '../../engine/core/errors';
import type { MemoryFunction } from '../../engine/core/interpreter/memory-host';

type Payload = Record<string, unknown>;
const field = (payload: unknown, name: string): unknown => (payload as Payload | null)?.[name];

/**
 * The functions conformance cases may call (Task `Resource` `…:function:<name>` or
 * `lambda:invoke` with `FunctionName`). A fresh set per case: `flaky` counts calls per state entry.
 */
function standardFunctions(): Record<string, MemoryFunction> {
  const calls = new Map<string, number>();
  return {
    /** Returns its payload. */
    echo: (payload) => payload,
    /** `{a, b}` → a + b. */
    add: (payload) => (field(payload, 'a') as number) + (field(payload, 'b') as number),
    /** Fails with `{error, cause}` (defaults `CustomError` / `it failed`). */
    fail: (payload) => {
      throw new StatesError(
        (field(payload, 'error') as string) ?? 'CustomError',
        (field(payload, 'cause') as string) ?? 'it failed',
      );
    },
    /** Throws a JavaScript error named `name` with `message`, as a Lambda handler would. */
    throw: (payload) => {
      const error = new Error((field(payload, 'message') as string) ?? 'boom');
      error.name = (field(payload, 'name') as string) ?? 'Error';
      throw error;
    },
    /**
     * `{errors: [...], result?}`: the k-th call for the same state entry fails with `errors[k]`
     * (cause "attempt <k+1> failed") until the list runs out, then returns `result` (default
     * `{attempts: <calls>}`).
     */
    flaky: (payload, context) => {
      const k = calls.get(context.idempotencyKey) ?? 0;
      calls.set(context.idempotencyKey, k + 1);
      const errors = (field(payload, 'errors') as string[]) ?? [];
      if (k < errors.length) throw new StatesError(errors[k], `attempt ${k + 1} failed`);
      return field(payload, 'result') ?? { attempts: k + 1 };
    },
    /** `{seconds, heartbeatEvery?, result?}`: takes `seconds` of virtual time, heartbeating if asked. */
    slow: async (payload, context) => {
      const seconds = field(payload, 'seconds') as number;
      const every = (field(payload, 'heartbeatEvery') as number | undefined) ?? seconds;
      for (let done = 0; done < seconds; done += every) {
        await context.sleep(Math.min(every, seconds - done) * 1000);
        context.heartbeat();
      }
      return field(payload, 'result') ?? payload;
    },
    /** `{bytes}`: a string of that many `x`. */
    big: (payload) => 'x'.repeat(field(payload, 'bytes') as number),
  };
}

/** Function sets by the name a case gives in `"functions"`. */
export const FUNCTION_SETS: Record<string, () => Record<string, MemoryFunction>> = {
  standard: standardFunctions,
};
