/** What a function sees of its invocation in `context` (besides `signal`, built in the runner). */
export interface InvocationContext {
  /** Identical for every attempt and redelivery of the same state entry. */
  idempotencyKey: string;
  executionId: string;
  stateName: string;
  functionName: string;
}

/** The error a function raised, as the runner reports it (the stack stays in the host's log). */
export interface RaisedError {
  name: string;
  message: string;
  stack?: string;
}

/** Host → runner messages. */
export type ToRunner =
  | { type: 'invoke'; functionName: string; payload: unknown; context: InvocationContext }
  /** Aborts `context.signal` of the running invocation (the host kills the runner shortly after). */
  | { type: 'abort' };

/** Runner → host messages. */
export type FromRunner =
  /** The runner has loaded and listens for invocations (sent once, first). */
  | { type: 'ready' }
  /** The handler settled: `result` is its value as JSON text (`null` for undefined). */
  | { type: 'done'; ok: true; result: string }
  | { type: 'done'; ok: false; error: RaisedError }
  /** An exception escaped the handler (a callback, a stray promise): the runner is spent. */
  | { type: 'crash'; error: RaisedError };
