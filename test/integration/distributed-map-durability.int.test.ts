import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeMapRunCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import {
  createMachine,
  expectCompleteHistory,
  history,
  sfnClient,
  startExecution,
  uniqueName,
  waitForEnd,
} from './support/client';
import { startOwnStack, type OwnStack } from './support/own-stack';
import { MAP_RUN_HISTORY } from './support/map-runs';
import { replaceWorkers } from './support/stack';
import { settledRuns } from './support/temporal-runs';

/** A Distributed Map over `$` whose STANDARD children wait `waitSeconds` (if any) and return `{n, twice}`. */
function fanOut(maxConcurrency: number, waitSeconds = 0) {
  const double = { Type: 'Pass', Parameters: { 'n.$': '$.n', 'twice.$': 'States.MathAdd($.n, $.n)' }, End: true };
  return {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        MaxConcurrency: maxConcurrency,
        Label: 'fan',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: waitSeconds > 0 ? 'Hold' : 'Double',
          States: {
            ...(waitSeconds > 0 ? { Hold: { Type: 'Wait', Seconds: waitSeconds, Next: 'Double' } } : {}),
            Double: double,
          },
        },
        End: true,
      },
    },
  };
}

const items = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));
const expected = (count: number) => items(count).map(({ n }) => ({ n, twice: 2 * n }));

/**
 * A Distributed Map's durability on a stack of its own (it SIGKILLs workers): a Map Run of more
 * children than one run of its workflow starts (1,000) continues as new and completes, and a
 * worker killed in the middle of a Map Run, or as its workflow continues as new, loses nothing and
 * runs no item to success twice.
 */
describe('Distributed Map durability', () => {
  let own: OwnStack;
  let temporal: Client;
  let pool: Pool;
  let sfn: SFNClient;
  const saved = { ...process.env };

  beforeAll(async () => {
    own = await startOwnStack();
    process.env.STEPFLOW_TEST_API_URL = own.stack.apiUrl;
    temporal = new Client({
      connection: await Connection.connect({ address: own.stack.temporalAddress }),
      namespace: own.stack.namespace,
    });
    pool = new Pool({ connectionString: own.stack.databaseUrl, max: 2 });
    sfn = sfnClient(own.stack.apiUrl);
  }, 180_000);

  afterAll(async () => {
    process.env = saved;
    sfn?.destroy();
    await pool?.end();
    await temporal?.connection.close();
    await own?.destroy();
  }, 60_000);

  /** The Map Run ARN the parent's history records (the Map Run workflow's id). */
  async function mapRunArnOf(executionId: string): Promise<string> {
    for (const deadline = Date.now() + 120_000; ;) {
      const started = (await history(executionId)).find((e) => e.type === 'MapRunStarted');
      if (started) return started.mapRunStartedEventDetails.mapRunArn as string;
      if (Date.now() > deadline) throw new Error(`no MapRunStarted in ${executionId}`);
      await sleep(200);
    }
  }

  /** The Map Run's children by item: how many child executions each item has, and how many SUCCEEDED. */
  async function childrenByItem(mapRunArn: string) {
    const { rows } = await pool.query<{ index: number; children: number; succeeded: number }>(
      `SELECT map_run_index AS index, count(*)::integer AS children,
              count(*) FILTER (WHERE status = 'SUCCEEDED')::integer AS succeeded
         FROM executions WHERE map_run_arn = $1 GROUP BY 1 ORDER BY 1`,
      [mapRunArn],
    );
    return rows;
  }

  /** What must hold of a completed Map Run of `count` items whatever happened to the workers on the way. */
  async function expectCompleted(id: string, mapRunArn: string, count: number): Promise<void> {
    const done = await waitForEnd(id, 1_500_000);
    expect(done.status).toBe('SUCCEEDED');
    // The results in item order.
    expect(done.output).toEqual(expected(count));
    // One child execution per item, SUCCEEDED: no item ran twice, none was lost.
    const byItem = await childrenByItem(mapRunArn);
    expect(byItem).toHaveLength(count);
    expect(byItem.every((row, i) => row.index === i && row.children === 1 && row.succeeded === 1)).toBe(true);
    const events = await history(id);
    expectCompleteHistory(events);
    expect(events.map((e) => e.type)).toEqual(MAP_RUN_HISTORY);
    const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.executionCounts).toMatchObject({ succeeded: count, failed: 0, aborted: 0, pending: 0, total: count });
  }

  /** Polls until `ready` holds (checked every `everyMs`). */
  async function until(what: string, ready: () => Promise<boolean>, everyMs = 50, timeoutMs = 900_000) {
    for (const deadline = Date.now() + timeoutMs; !(await ready()); await sleep(everyMs)) {
      if (Date.now() > deadline) throw new Error(`${what}: not reached after ${timeoutMs} ms`);
    }
  }

  test('a Map Run of 2,200 children continues as new twice and completes with a small parent history', async () => {
    const count = 2_200;
    const machine = uniqueName('dmap-can');
    await createMachine(machine, fanOut(0));
    const id = await startExecution(machine, items(count));
    const mapRunArn = await mapRunArnOf(id);
    await expectCompleted(id, mapRunArn, count);

    // The Map Run workflow ran 1,000 children per run: three runs, the first two continued as new.
    const runs = await settledRuns(temporal, mapRunArn);
    expect(runs.map((run) => run.status)).toEqual(['CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'COMPLETED']);
    // Each run's Temporal history is bounded by the children it started, not by the items.
    for (const run of runs) {
      const events = (await temporal.workflow.getHandle(mapRunArn, run.runId).fetchHistory()).events ?? [];
      expect(events.length).toBeLessThan(15_000);
    }
    // The parent's own Temporal history holds a handful of events for 2,200 items.
    const parent = (await temporal.workflow.getHandle(id).fetchHistory()).events ?? [];
    expect(parent.length).toBeLessThan(60);
  }, 1_800_000);

  test('a worker SIGKILLed in the middle of a Map Run: the Map Run completes, no item runs twice', async () => {
    const count = 400;
    const machine = uniqueName('dmap-kill');
    await createMachine(machine, fanOut(40, 1));
    const id = await startExecution(machine, items(count));
    const mapRunArn = await mapRunArnOf(id);
    // Children partly done (some succeeded, others waiting in their Wait state): kill the worker.
    await until('a quarter of the children succeeded', async () => {
      const run = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
      return (run.executionCounts?.succeeded ?? 0) >= count / 4;
    });
    const before = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(before.executionCounts?.succeeded).toBeLessThan(count);
    await replaceWorkers(own.stack);
    await expectCompleted(id, mapRunArn, count);
  }, 1_800_000);

  test('a worker SIGKILLed as the Map Run workflow continues as new: the Map Run completes, no item runs twice', async () => {
    const count = 1_150;
    const machine = uniqueName('dmap-cankill');
    await createMachine(machine, fanOut(0));
    const id = await startExecution(machine, items(count));
    const mapRunArn = await mapRunArnOf(id);
    const handle = temporal.workflow.getHandle(mapRunArn);
    const firstRun = (await handle.describe()).runId;
    // First kill: the first run's last children are ending, so the worker dies while the run
    // drains its window and continues as new (or right before).
    await until(
      'the first run nearly drained',
      async () => {
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::integer AS n FROM executions WHERE map_run_arn = $1 AND status = 'SUCCEEDED'`,
          [mapRunArn],
        );
        return rows[0].n >= 980;
      },
      20,
    );
    await replaceWorkers(own.stack);
    // Second kill: as soon as the next run exists (its first workflow task starts from the cursor).
    await until('the Map Run workflow continued as new', async () => (await handle.describe()).runId !== firstRun, 20);
    await replaceWorkers(own.stack);
    await expectCompleted(id, mapRunArn, count);
    const runs = await settledRuns(temporal, mapRunArn);
    expect(runs.map((run) => run.status)).toEqual(['CONTINUED_AS_NEW', 'COMPLETED']);
  }, 1_800_000);
});
