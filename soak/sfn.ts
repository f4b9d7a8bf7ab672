import { setTimeout as sleep } from 'node:timers/promises';

/** An answer of the Step Functions protocol that is an AWS error (`__type`), not a transport failure. */
export class SfnCallError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(`${type}: ${message}`);
    this.name = 'SfnCallError';
  }
}

/** Thrown when the API did not answer usefully (down, 5xx) before the call's deadline. */
export class SfnUnavailableError extends Error {
  constructor(action: string, ms: number, last: string) {
    super(`${action}: no answer within ${ms} ms (last: ${last})`);
    this.name = 'SfnUnavailableError';
  }
}

/**
 * A minimal client of Stepflow's Step Functions JSON protocol (`POST /`, `X-Amz-Target`), the
 * contract AWS SDKs use. Transport errors and 5xx answers are retried with back-off until
 * `deadlineMs` (the API, Postgres or Temporal may be down on purpose); an AWS error (4xx with
 * `__type`) is thrown at once as {@link SfnCallError}.
 */
export class SfnClient {
  /** Transport failures and 5xx answers seen (each one retried). */
  retries = 0;

  constructor(private readonly apiUrl: () => string) {}

  /** `trace.retried` counts this call's own retries (a refusal after one may answer an attempt that went through). */
  async call<T = any>(action: string, body: unknown, deadlineMs = 180_000, trace?: { retried: number }): Promise<T> {
    const started = Date.now();
    let delay = 100;
    let last = '';
    for (;;) {
      try {
        const res = await fetch(`${this.apiUrl()}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        const parsed = text ? JSON.parse(text) : {};
        if (res.status < 400) return parsed as T;
        if (res.status < 500)
          throw new SfnCallError(String(parsed.__type ?? res.status), String(parsed.message ?? text), res.status);
        last = `${res.status} ${parsed.__type ?? ''} ${parsed.message ?? ''}`.trim();
      } catch (err) {
        if (err instanceof SfnCallError) throw err;
        last = (err as Error).message;
      }
      this.retries++;
      if (trace) trace.retried++;
      if (Date.now() - started > deadlineMs) throw new SfnUnavailableError(action, deadlineMs, last);
      await sleep(delay);
      delay = Math.min(delay * 2, 2_000);
    }
  }
}

/** Stepflow's ARN of a state machine (the account and region it answers with). */
export function stateMachineArn(name: string): string {
  return `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
}

/** Stepflow's ARN of an execution. */
export function executionArn(machine: string, name: string): string {
  return `arn:aws:states:us-east-1:000000000000:execution:${machine}:${name}`;
}
