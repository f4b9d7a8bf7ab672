/** The REST API the console reads and steers through (same origin: the API serves the console). */

export type { HistoryEvent } from './history-event';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface Execution {
  executionId: string;
  executionArn: string;
  name: string;
  stateMachine: string;
  version: number;
  stateMachineVersion?: number;
  stateMachineAlias?: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startDate: string;
  stopDate?: string;
  redriveCount: number;
  redriveDate?: string;
  /** The Map Run this execution is a child of (a Distributed Map's item or batch). */
  mapRunArn?: string;
}

export interface StateMachine {
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  version: number;
  definition: Record<string, unknown>;
  revisionId: string;
  createdAt: string;
  versionCreatedAt: string;
}

export interface StateMachineSummary {
  name: string;
  type: string;
  createdAt: string;
}

export interface PublishedVersion {
  version: number;
  description?: string;
  createdAt: string;
}

export interface Alias {
  name: string;
  description?: string;
  routes: { version: number; weight: number }[];
}

/** A problem ValidateStateMachineDefinition reports: `location` is a JSON pointer. */
export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  code: string;
  message: string;
  location?: string;
}

/** An error answer of the API: its status and `{code, message}` body. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const KEY_STORAGE = 'stepflow.apiKey';

/** The API key of this browser tab (kept for the session only, never in localStorage). */
export function savedKey(): string | undefined {
  return sessionStorage.getItem(KEY_STORAGE) ?? undefined;
}

export function saveKey(key: string | undefined): void {
  if (key === undefined) sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

/** Headers of every call: the key as a Bearer token when signed in. */
export function authHeaders(key = savedKey()): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Calls the REST API; an error answer throws ApiFailure with the API's code and message. */
export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    method,
    signal,
    headers: { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = (parsed ?? {}) as { code?: string; message?: string };
    throw new ApiFailure(res.status, problem.code ?? 'HTTP_ERROR', problem.message ?? `HTTP ${res.status}`);
  }
  return parsed as T;
}

/** Calls one action of the Step Functions protocol (`POST /`), e.g. ValidateStateMachineDefinition. */
export async function sfnAction<T>(action: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch('/', {
    method: 'POST',
    signal,
    headers: {
      ...authHeaders(),
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AWSStepFunctions.${action}`,
    },
    body: JSON.stringify(body),
  });
  const parsed = (await res.json()) as T & { __type?: string; message?: string };
  if (!res.ok) throw new ApiFailure(res.status, parsed.__type ?? 'HTTP_ERROR', parsed.message ?? `HTTP ${res.status}`);
  return parsed;
}

/** `encodeURIComponent` for one path segment. */
export const seg = encodeURIComponent;

/** Counts of a Map Run's items or child executions by status (DescribeMapRun). */
export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
}

/** A Distributed Map's run, as `GET /v1/map-runs/{mapRunArn}` describes it (DescribeMapRun's shape). */
export interface MapRun {
  mapRunArn: string;
  executionArn: string;
  /** The parent execution's id (REST paths). */
  executionId: string;
  stateName: string;
  label: string;
  error?: string;
  cause?: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: string;
  stopDate?: string;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  itemCounts: MapRunCounts;
  executionCounts: MapRunCounts;
}
