import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import {
  call,
  createMachine,
  expectCompleteHistory,
  history,
  startExecution,
  uniqueName,
  waitForEnd,
} from './support/client';
import { startOwnStack, type OwnStack } from './support/own-stack';
import { killPid, spawnStepflow, waitForExit } from './support/stack';
import { expectTaskLoopHistory, taskLoop } from './support/scale-machines';
import { runsOf, settledRuns } from './support/temporal-runs';

/** Temporal events past which the stack's executions continue as new (STEPFLOW_CONTINUE_AS_NEW_EVENTS). */
const THRESHOLD = 500;

/** Each iteration hands a fresh task token to `take-token` and waits for SendTaskSuccess with `{n}`. */
function callbackLoop(limit: number) {
  return {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'take-token', Payload: { 'token.$': '$$.Task.Token', 'dir.$': '$.dir' } },
        ResultPath: '$.answer',
        Next: 'Check',
      },
      Check: {
        Type: 'Choice',
        Choices: [{ Variable: '$.answer.n', NumericGreaterThanEquals: limit, Next: 'Done' }],
        Default: 'Ask',
      },
      Done: { Type: 'Pass', OutputPath: '$.answer', End: true },
    },
  };
}

/**
 * The edges of continue-as-new on a stack of its own (it SIGKILLs workers) whose executions hand
 * over past THRESHOLD Temporal events: task tokens across runs, and a worker killed as a run hands
 * over.
 */
describe('scale: across a continue-as-new boundary', () => {
  let own: OwnStack;
  let temporal: Client;
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env.STEPFLOW_CONTINUE_AS_NEW_EVENTS = String(THRESHOLD);
    own = await startOwnStack();
    process.env.STEPFLOW_TEST_API_URL = own.stack.apiUrl;
    temporal = new Client({
      connection: await Connection.connect({ address: own.stack.temporalAddress }),
      namespace: own.stack.namespace,
    });
  }, 180_000);

  afterAll(async () => {
    process.env = saved;
    await temporal?.connection.close();
    await own?.destroy();
  }, 60_000);

  test('SendTaskSuccess and SendTaskHeartbeat reach the current run; a token used before hand-overs is refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-can-token-'));
    const limit = 100;
    const machine = uniqueName('cantoken');
    await createMachine(machine, callbackLoop(limit));
    const id = await startExecution(machine, { dir });
    const file = path.join(dir, 'token');
    const tokens: string[] = [];
    const firstRunId = (await temporal.workflow.getHandle(id).describe()).runId;
    for (let n = 1; n <= limit; n++) {
      // Each iteration's Task writes its own token; wait for one not answered yet.
      let token = '';
      for (const deadline = Date.now() + 120_000; ;) {
        token = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
        if (token && token !== tokens.at(-1)) break;
        if (Date.now() > deadline) throw new Error(`no token for iteration ${n}`);
        await sleep(20);
      }
      tokens.push(token);
      if (n === limit) {
        // The last Task waits in a later run: the first token, issued and used in the first run,
        // is refused (as AWS refuses a used token) and reaches no other Task.
        expect((await runsOf(temporal, id)).length).toBeGreaterThanOrEqual(3);
        const late = await call('POST', '/v1/task-tokens/success', { taskToken: tokens[0], output: { n: 0 } });
        expect(late).toMatchObject({ status: 409, body: { code: 'TASK_TIMED_OUT' } });
      }
      // A heartbeat then the answer, both addressed by the token alone (never by a Temporal run).
      expect((await call('POST', '/v1/task-tokens/heartbeat', { taskToken: token })).status).toBe(200);
      const sent = await call('POST', '/v1/task-tokens/success', { taskToken: token, output: { n } });
      expect(sent).toEqual({ status: 200, body: { ok: true } });
    }
    const done = await waitForEnd(id, 300_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { n: limit } });
    const runs = await settledRuns(temporal, id);
    // The tokens were issued and answered over several runs of the workflow.
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs[0].runId).toBe(firstRunId);
    expect(runs.slice(0, -1).every((r) => r.status === 'CONTINUED_AS_NEW')).toBe(true);
    const events = await history(id);
    expectCompleteHistory(events);
    expect(events.filter((e) => e.type === 'TaskSucceeded')).toHaveLength(limit);
    expect(events.filter((e) => e.type === 'TaskSubmitted')).toHaveLength(limit);
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
  }, 600_000);

  test('an execution whose worker is SIGKILLed as a run hands over completes with one gap-free history', async () => {
    const limit = 300;
    const machine = uniqueName('cankill');
    await createMachine(machine, taskLoop(limit));
    const id = await startExecution(machine, {});
    const handle = temporal.workflow.getHandle(id);
    const stack = own.stack;
    const replaceWorker = async () => {
      for (const pid of stack.workerPids) killPid(pid, 'SIGKILL');
      await Promise.all(stack.workerPids.map((pid) => waitForExit(pid)));
      stack.workerPids = [spawnStepflow(stack, 'worker').pid as number];
    };
    // First kill: the first run is a few events short of the threshold, so the worker dies in the
    // workflow tasks that write the history and continue as new (or right before them).
    for (const deadline = Date.now() + 300_000; ;) {
      const described = await handle.describe();
      if (described.historyLength >= THRESHOLD - 15) break;
      if (Date.now() > deadline) throw new Error(`first run at ${described.historyLength} events after 300 s`);
      await sleep(50);
    }
    await replaceWorker();
    // Second kill: at the first event of the next run (its first workflow task starts from the continuation).
    const firstRun = (await runsOf(temporal, id))[0].runId;
    for (const deadline = Date.now() + 300_000; ;) {
      const described = await handle.describe();
      if (described.runId !== firstRun) break;
      if (Date.now() > deadline) throw new Error('no second run after 300 s');
      await sleep(20);
    }
    await replaceWorker();

    const done = await waitForEnd(id, 600_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { n: limit, runs: limit } });
    expectTaskLoopHistory(await history(id), limit);
    const runs = await settledRuns(temporal, id);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.at(-1)?.status).toBe('COMPLETED');
  }, 900_000);
});
