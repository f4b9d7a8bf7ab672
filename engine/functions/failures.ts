import type { RaisedError } from './protocol';

/** ASL error of an invocation whose process died (an exit, a signal, out of memory), as AWS Lambda names it. */
export const LAMBDA_UNKNOWN = 'Lambda.Unknown';
/** ASL error of an invocation killed for exceeding its CPU-time limit (AWS Lambda's timeout name). */
export const SANDBOX_TIMEDOUT = 'Sandbox.Timedout';

/**
 * A failed invocation: `name` is the ASL error (the function's own error name, or one of the
 * runtime names above), `errorType`/`errorMessage` the Lambda-style cause. Never a stack, never a path.
 */
export class FunctionFailure extends Error {
  constructor(
    name: string,
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(errorMessage);
    this.name = name;
  }

  /** The ASL `Cause`: Lambda's `{errorType, errorMessage}` JSON, without `trace`. */
  get causeText(): string {
    return JSON.stringify({ errorType: this.errorType, errorMessage: this.errorMessage });
  }
}

/** Thrown into the caller when the invocation was cancelled (its process is killed). */
export class InvocationCancelled extends Error {
  constructor() {
    super('invocation cancelled');
    this.name = 'InvocationCancelled';
  }
}

/**
 * Thrown into the caller when a function process ended before it was ready (its runner could not
 * load): nothing of the function ran, so it is the host's failure, not the function's.
 */
export class ProcessStartFailed extends Error {
  constructor(readonly death: Death) {
    super(
      `the function process ended before it was ready (${death.kind === 'exit' ? (death.signal ?? `exit status ${death.code}`) : death.kind})`,
    );
    this.name = 'ProcessStartFailed';
  }
}

/**
 * Removes the deployment's absolute paths (FUNCTIONS_DIR, the project root) from a message that
 * reaches a history: what is left is relative to FUNCTIONS_DIR.
 */
export function withoutPaths(message: string, roots: string[]): string {
  let text = message;
  for (const root of roots) {
    if (root.length < 2) continue;
    const withSlash = root.endsWith('/') ? root : `${root}/`;
    text = text.split(`file://${withSlash}`).join('').split(withSlash).join('').split(root).join('.');
  }
  return text;
}

/** The failure of an error the function raised (thrown, rejected, or escaped from a callback). */
export function raisedFailure(error: RaisedError, roots: string[]): FunctionFailure {
  const name = error.name || 'Error';
  return new FunctionFailure(name, name, withoutPaths(error.message, roots));
}

/** Why a function process ended an invocation without an answer. */
export type Death =
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'memory'; limitMb: number }
  | { kind: 'cpu'; limitMs: number };

/** The failure of an invocation whose process died or was killed for a limit. */
export function deathFailure(death: Death): FunctionFailure {
  switch (death.kind) {
    case 'memory':
      return new FunctionFailure(
        LAMBDA_UNKNOWN,
        'Runtime.OutOfMemory',
        `Runtime exited: the function used more than its memory limit of ${death.limitMb} MB`,
      );
    case 'cpu':
      return new FunctionFailure(
        SANDBOX_TIMEDOUT,
        SANDBOX_TIMEDOUT,
        `Task timed out: the function used more than its CPU-time limit of ${death.limitMs / 1000} seconds`,
      );
    case 'exit':
      return new FunctionFailure(
        LAMBDA_UNKNOWN,
        'Runtime.ExitError',
        death.signal
          ? `Runtime exited with error: signal: ${death.signal}`
          : `Runtime exited with error: exit status ${death.code}`,
      );
  }
}
