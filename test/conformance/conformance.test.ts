import fs from 'node:fs';
import path from 'node:path';
import { runExecution, type ExecutionInfo } from '../../engine/core/interpreter';
import { MemoryHost } from '../../engine/core/interpreter/memory-host';
import { FUNCTION_SETS } from './functions';

/** One conformance case as stored in `cases/<feature>/<name>.json`. */
interface ConformanceCase {
  description: string;
  definition: Parameters<typeof runExecution>[0];
  input: unknown;
  functions?: string;
  expected:
    { status: 'SUCCEEDED'; output: unknown } | { status: 'FAILED' | 'TIMED_OUT'; error: string; cause?: string };
  /** The history event types, in order. */
  events?: string[];
  /** Every durable sleep (ms) the interpreter asked for: Wait states, retry intervals, timeouts. */
  sleeps?: number[];
  /** Every function the host ran, in order: its name and payload. */
  invocations?: Array<{ function: string; payload: unknown }>;
  /** `assignedVariables` of every `…StateExited` event, in order (null: the state assigned nothing). */
  assignedVariables?: Array<Record<string, string> | null>;
}

const CASES_DIR = path.join(__dirname, 'cases');
const START = Date.UTC(2026, 0, 1);

/** The execution every case runs as (its `$$.Execution` and `$$.StateMachine`). */
export const CASE_EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:000000000000:execution:conformance:case-1',
  name: 'case-1',
  stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:conformance',
  stateMachineName: 'conformance',
  roleArn: 'arn:aws:iam::000000000000:role/stepflow-conformance',
  startTime: new Date(START).toISOString(),
  redriveCount: 0,
};

function loadCases(): [string, [string, ConformanceCase][]][] {
  return fs
    .readdirSync(CASES_DIR)
    .sort()
    .map((feature) => {
      const dir = path.join(CASES_DIR, feature);
      const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort();
      return [
        feature,
        files.map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as ConformanceCase]),
      ];
    });
}

const FEATURES = loadCases();

describe('conformance suite', () => {
  test('has at least 300 cases when loaded', () => {
    expect(FEATURES.reduce((n, [, cases]) => n + cases.length, 0)).toBeGreaterThanOrEqual(300);
  });
});

describe.each(FEATURES)('conformance: %s', (_feature, cases) => {
  test.each(cases.map(([file, c]) => [`${c.description} (${file})`, c] as const))('%s', async (_name, c) => {
    const functions = c.functions ? FUNCTION_SETS[c.functions]() : {};
    const host = new MemoryHost(functions, { startTime: START });
    const { outcome, pendingEvents } = await runExecution(c.definition, c.input, CASE_EXECUTION, host);
    if (c.expected.status === 'SUCCEEDED') {
      expect(outcome).toEqual({ status: 'SUCCEEDED', output: c.expected.output });
    } else {
      const failure = outcome as { status: string; error: string; cause: string };
      expect({ status: failure.status, error: failure.error }).toEqual({
        status: c.expected.status,
        error: c.expected.error,
      });
      if (c.expected.cause !== undefined) expect(failure.cause).toBe(c.expected.cause);
    }
    if (c.events) expect([...host.written, ...pendingEvents].map((e) => e.type)).toEqual(c.events);
    if (c.sleeps) expect(host.sleeps).toEqual(c.sleeps);
    if (c.invocations)
      expect(host.invocations.map((i) => ({ function: i.functionName, payload: i.payload }))).toEqual(c.invocations);
    if (c.assignedVariables) {
      const exited = [...host.written, ...pendingEvents].filter((e) => e.type.endsWith('StateExited'));
      const details = (e: (typeof exited)[number]) =>
        (e.stateExitedEventDetails as { assignedVariables?: Record<string, string> }).assignedVariables;
      expect(exited.map((e) => details(e) ?? null)).toEqual(c.assignedVariables);
    }
  });
});
