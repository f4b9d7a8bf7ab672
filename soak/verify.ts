import type { Client } from '@temporalio/client';
import {
  historyProblems,
  outcomeProblems,
  redeliveries,
  visibleInvocations,
  type Described,
  type WireEvent,
} from './checks';
import type { ExecutionRecord } from './driver';
import type { Evidence } from './evidence';
import { SfnCallError, type SfnClient } from './sfn';

/** The soak's verdict on one execution. */
export interface Verdict {
  record: ExecutionRecord;
  status: string;
  startDate?: number;
  stopDate?: number;
  error?: string;
  /** Each violation found, by category. */
  problems: Array<{ category: Category; text: string }>;
  /** Invocations beyond what the history shows (redeliveries nobody can see). */
  hiddenDuplicates: number;
  calls: number;
  absorbed: number;
}

export const CATEGORIES = [
  'lost',
  'stuck',
  'not started',
  'wrong outcome',
  'bad history',
  'effects',
  'hidden duplicates',
  'workflow open',
  'poison',
] as const;
export type Category = (typeof CATEGORIES)[number];

async function fullHistory(client: SfnClient, arn: string): Promise<WireEvent[]> {
  const events: WireEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.call<{ events: WireEvent[]; nextToken?: string }>('GetExecutionHistory', {
      executionArn: arn,
      maxResults: 1000,
      includeExecutionData: false,
      ...(nextToken ? { nextToken } : {}),
    });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Checks one execution through the API (DescribeExecution, GetExecutionHistory) and the evidence. */
export async function verifyExecution(
  client: SfnClient,
  record: ExecutionRecord,
  evidence: Evidence,
): Promise<Verdict> {
  const calls = evidence.calls.get(record.id) ?? 0;
  const verdict: Verdict = {
    record,
    status: 'UNKNOWN',
    problems: [],
    hiddenDuplicates: 0,
    calls,
    absorbed: evidence.absorbed.get(record.id) ?? 0,
  };
  const problem = (category: Category, text: string) => verdict.problems.push({ category, text });
  let described: Described & { startDate: number; stopDate?: number };
  try {
    described = await client.call('DescribeExecution', { executionArn: record.arn });
  } catch (err) {
    if (err instanceof SfnCallError && err.type === 'ExecutionDoesNotExist') {
      if (record.accepted) problem('lost', 'the API accepted its start, and it does not exist');
      else problem('not started', `its start never succeeded (${record.startError}) and it does not exist`);
      verdict.status = 'MISSING';
      return verdict;
    }
    throw err;
  }
  if (!record.accepted)
    problem('not started', `its start was never acknowledged (${record.startError}), yet it exists`);
  verdict.status = described.status;
  verdict.startDate = described.startDate * 1000;
  verdict.stopDate = described.stopDate === undefined ? undefined : described.stopDate * 1000;
  verdict.error = described.error;
  if (described.status === 'RUNNING') {
    problem(record.poison ? 'poison' : 'stuck', 'still RUNNING at the end');
    return verdict;
  }
  const events = await fullHistory(client, record.arn);
  for (const text of historyProblems(events, described.status)) problem('bad history', text);
  const visible = visibleInvocations(events);
  verdict.hiddenDuplicates = Math.max(0, calls - visible);
  if (calls > visible) problem('hidden duplicates', `${calls} invocations, the history shows ${visible}`);
  if (record.poison) {
    if (!['FAILED', 'TIMED_OUT'].includes(described.status) || record.intervention) {
      problem(
        'poison',
        `${described.status}${described.error ? ` ${described.error}` : ''}${record.intervention ? ` — ${record.intervention}` : ''}`,
      );
    }
    return verdict;
  }
  const expected = record.expected as NonNullable<ExecutionRecord['expected']>;
  for (const text of outcomeProblems(described, expected)) problem('wrong outcome', text);
  const effects = evidence.effects.get(record.id) ?? 0;
  if (effects !== expected.effects) problem('effects', `${effects} idempotent effects, expected ${expected.effects}`);
  // Fewer calls than the history shows is fine only for deliveries cut short by a lost host.
  if (calls + redeliveries(events) < visible && described.status === 'SUCCEEDED') {
    problem(
      'effects',
      `${calls} invocations recorded, the history shows ${visible} (${redeliveries(events)} redelivered)`,
    );
  }
  return verdict;
}

/** Verifies every record, `concurrency` at a time. */
export async function verifyAll(
  client: SfnClient,
  records: ExecutionRecord[],
  evidence: Evidence,
  concurrency = 8,
): Promise<Verdict[]> {
  const verdicts: Verdict[] = new Array(records.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= records.length) return;
      verdicts[i] = await verifyExecution(client, records[i] as ExecutionRecord, evidence);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return verdicts;
}

/** Marks closed executions whose Temporal workflow is still open (the two stores disagree). */
export async function checkWorkflowsClosed(client: Client, verdicts: Verdict[]): Promise<number> {
  const open = new Set<string>();
  for await (const workflow of client.workflow.list({ query: 'ExecutionStatus="Running"' }))
    open.add(workflow.workflowId);
  for (const verdict of verdicts) {
    if (verdict.status !== 'RUNNING' && open.has(verdict.record.id)) {
      verdict.problems.push({
        category: 'workflow open',
        text: `status ${verdict.status}, but its Temporal workflow is still running`,
      });
    }
  }
  return open.size;
}
