import { createHash } from 'node:crypto';
import type { ExecutionResponse } from '../../schemas/api/executions';
import { nestsDeeperThan } from '../api/json-limits';
import { executionId as toExecutionId } from '../core/arn';
import type { ServiceDeps } from '../service/deps';
import { describeExecution } from '../service/describe';
import { DomainError, type DomainErrorCode } from '../service/errors';
import { startExecution } from '../service/start';

/** What a trigger starts: a state machine, optionally a published version or an alias. */
export interface TriggerTarget {
  stateMachine: string;
  version: number | null;
  alias: string | null;
}

/** The code of a use case's refusal (a `DomainError`), else undefined: an unexpected failure. */
export function refusalCode(err: unknown): DomainErrorCode | undefined {
  return err instanceof DomainError ? err.code : undefined;
}

/** True when a use case refused for the caller's reason (retrying the same request cannot help). */
export function isRefusal(err: unknown): boolean {
  const code = refusalCode(err);
  return code !== undefined && code !== 'SERVICE_UNAVAILABLE';
}

/** A trigger event's body as its execution's input: JSON text, or `{}` when blank; `refusals` word the two refusals. */
export function bodyInput(text: string, refusals: { tooDeep: string; notJson: string }): unknown {
  if (text.trim() === '') return {};
  if (nestsDeeperThan(text)) throw new DomainError('JSON_TOO_DEEP', refusals.tooDeep);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError('INVALID_EXECUTION_INPUT', refusals.notJson);
  }
}

/** A short, name-safe digest of a trigger's dedup key (24 hex digits: 96 bits). */
export function dedupDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 24);
}

/**
 * Starts the execution a trigger event asks for, through the one start use case (so the row,
 * the workflow and their idempotency are the API's). The execution's `name` is derived from the
 * event's identity (a schedule's nominal time, a delivery id, a message id): the same event
 * again returns the execution the first one started (`created: false`), whether or not it has
 * ended, and never starts a second one.
 */
export async function startOnce(
  deps: ServiceDeps,
  target: TriggerTarget,
  name: string,
  input: unknown,
): Promise<{ execution: ExecutionResponse; created: boolean }> {
  try {
    return await startExecution(
      deps,
      target.stateMachine,
      { name, input },
      { version: target.version ?? undefined, alias: target.alias ?? undefined },
    );
  } catch (err) {
    if (refusalCode(err) !== 'EXECUTION_ALREADY_EXISTS') throw err;
    return { execution: await describeExecution(deps, toExecutionId(target.stateMachine, name)), created: false };
  }
}
