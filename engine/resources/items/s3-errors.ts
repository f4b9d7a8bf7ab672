import type { StatesError } from '../../core/errors';

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** A cause naming the S3 call, the object and what S3 answered: `S3 getObject of s3://b/k failed: NoSuchKey (404): …`. */
export function s3Cause(action: string, location: string, err: unknown): string {
  const e = err as SdkError;
  const status = e?.$metadata?.httpStatusCode;
  const name = e?.name && e.name !== 'Error' ? e.name : status ? 'S3Error' : 'SdkClientException';
  const message = e?.message ?? String(err);
  return `S3 ${action} of ${location} failed: ${name}${status ? ` (${status})` : ''}: ${message}`;
}

/** True when `err` is already a StatesError (a parse or bound failure): passed through unchanged. */
export function isStates(err: unknown): err is StatesError {
  return (err as { name?: unknown } | null)?.name === 'StatesError';
}
