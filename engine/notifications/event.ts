import { createHmac } from 'node:crypto';
import { ARN_ACCOUNT, ARN_REGION, executionArnOfId, stateMachineArnOfId } from '../core/arn';

/** One status change as the outbox keeps it (`notification_events`). */
export interface OutboxEvent {
  seq: string;
  id: string;
  executionId: string;
  stateMachine: string;
  name: string;
  status: string;
  startDate: Date;
  stopDate: Date | null;
  input: string | null;
  output: string | null;
  error: string | null;
  cause: string | null;
  redriveCount: number;
  redriveDate: Date | null;
  publishedVersion: number | null;
  alias: string | null;
  time: Date;
}

/** EventBridge's `detail-type` of Step Functions status changes. */
export const DETAIL_TYPE = 'Step Functions Execution Status Change';

/** Step Functions leaves `input`/`output` out of the event past 248 KiB and says so in `…Details`. */
export const MAX_INCLUDED_PAYLOAD_BYTES = 248 * 1024;

/** Header carrying the signature (`t=<unix seconds>,v1=<hex HMAC-SHA256>`), on every target type. */
export const SIGNATURE_HEADER = 'stepflow-signature';
/** Header carrying the event id (the same on every retry: consumers deduplicate on it). */
export const EVENT_ID_HEADER = 'stepflow-event-id';

function included(text: string | null): { value: string | null; details: { included: boolean } } {
  if (text === null) return { value: null, details: { included: true } };
  const fits = Buffer.byteLength(text, 'utf8') <= MAX_INCLUDED_PAYLOAD_BYTES;
  return { value: fits ? text : null, details: { included: fits } };
}

/**
 * The event as Amazon EventBridge delivers "Step Functions Execution Status Change": `version`,
 * `id` (stable across retries), `detail-type`, `source` `aws.states`, `account`, `time`, `region`,
 * `resources` (the execution ARN) and `detail` (ARNs, name, status, dates in epoch milliseconds,
 * `input`/`output` as JSON text with their `…Details`, error, cause, redrive count). Stepflow adds
 * `detail.stepflow` (execution id, state machine version and alias).
 */
export function statusChangeEvent(event: OutboxEvent): Record<string, unknown> {
  const input = included(event.input);
  const output = included(event.output);
  const arn = executionArnOfId(event.executionId);
  return {
    version: '0',
    id: event.id,
    'detail-type': DETAIL_TYPE,
    source: 'aws.states',
    account: ARN_ACCOUNT,
    time: event.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: ARN_REGION,
    resources: [arn],
    detail: {
      executionArn: arn,
      stateMachineArn: stateMachineArnOfId(event.executionId, event.stateMachine),
      name: event.name,
      status: event.status,
      startDate: event.startDate.getTime(),
      stopDate: event.stopDate ? event.stopDate.getTime() : null,
      input: input.value,
      output: output.value,
      inputDetails: input.details,
      outputDetails: output.details,
      error: event.error,
      cause: event.cause,
      redriveCount: event.redriveCount,
      ...(event.redriveDate ? { redriveDate: event.redriveDate.getTime() } : {}),
      stepflow: {
        executionId: event.executionId,
        ...(event.publishedVersion !== null ? { stateMachineVersion: event.publishedVersion } : {}),
        ...(event.alias !== null ? { stateMachineAlias: event.alias } : {}),
      },
    },
  };
}

/**
 * The signature header's value: `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
 * A receiver recomputes it with the target's secret and refuses old timestamps.
 */
export function signature(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}
