import { randomUUID } from 'node:crypto';
import { MAX_JSON_DEPTH } from '../../api/json-limits';
import type { QueueTriggerRow } from '../../db/trigger-queues-repo';
import type { ServiceDeps } from '../../service/deps';
import { bodyInput, dedupDigest, isRefusal, refusalCode, startOnce } from '../start-once';

/** Why a message's start failed: `poison` (the message or target is at fault: counts towards the dead letter) or `transient` (retry it). */
export type StartFailure = { kind: 'poison' | 'transient'; reason: string };

/** A message's outcome: its execution started (or had been), or a failure. */
export type StartOutcome = { ok: true; executionId: string; created: boolean } | ({ ok: false } & StartFailure);

/** The execution name of a message: `<trigger>-<digest of its message id>` (no id: a fresh one, so no deduplication). */
export function messageExecutionName(trigger: string, messageId: string | undefined): string {
  return `${trigger}-${dedupDigest(messageId ?? randomUUID())}`;
}

/** The message body as the execution's input: JSON, or `{}` when empty. */
export function messageInput(body: Uint8Array): unknown {
  return bodyInput(Buffer.from(body).toString('utf8'), {
    tooDeep: `the body nests deeper than ${MAX_JSON_DEPTH} levels`,
    notJson: 'the message body is not JSON',
  });
}

/**
 * Starts the execution of one message through the start use case and says how it went. It
 * resolves (never rejects) once the start is durable — the row written and the workflow
 * started — so the caller may acknowledge the message then, and only then.
 */
export async function startForMessage(
  deps: ServiceDeps,
  trigger: QueueTriggerRow,
  messageId: string | undefined,
  body: Uint8Array,
): Promise<StartOutcome> {
  try {
    const input = messageInput(body);
    const { execution, created } = await startOnce(deps, trigger, messageExecutionName(trigger.name, messageId), input);
    return { ok: true, executionId: execution.executionId, created };
  } catch (err) {
    if (isRefusal(err)) return { ok: false, kind: 'poison', reason: `${refusalCode(err)}: ${(err as Error).message}` };
    deps.log.warn({ err, queueTrigger: trigger.name }, 'message start failed; will retry');
    return { ok: false, kind: 'transient', reason: (err as Error).message };
  }
}

/** Delay before retrying a message after `attempt` failures: 1 s doubling, at most 30 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, attempt - 1), 30_000);
}
