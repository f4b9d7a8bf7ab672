import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { BenchConfig } from '../config';
import type { WalMeter } from '../metrics';
import type { BenchStack } from '../stack';
import type { Workload } from '../workloads';
import { runOnTemporal } from './temporal-runs';
import type { Engine } from './types';

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300)
    throw new Error(`POST ${url} answered ${response.status}: ${JSON.stringify(json).slice(0, 500)}`);
  return { status: response.status, json };
}

/** Stepflow's tables a Distributed Map writes, and the rows of each for the given parents. */
const DISTRIBUTED_ROWS = `
WITH runs AS (SELECT map_run_arn FROM map_runs WHERE execution_id = ANY($1)),
ex AS (
  SELECT execution_id FROM executions
  WHERE execution_id = ANY($1) OR map_run_arn IN (SELECT map_run_arn FROM runs)
)
SELECT 'executions' AS "table", count(*)::text AS rows, coalesce(sum(pg_column_size(t.*)), 0)::text AS bytes
  FROM executions t WHERE execution_id IN (SELECT execution_id FROM ex)
UNION ALL SELECT 'execution_events', count(*)::text, coalesce(sum(pg_column_size(t.*)), 0)::text
  FROM execution_events t WHERE execution_id IN (SELECT execution_id FROM ex)
UNION ALL SELECT 'map_runs', count(*)::text, coalesce(sum(pg_column_size(t.*)), 0)::text
  FROM map_runs t WHERE map_run_arn IN (SELECT map_run_arn FROM runs)
UNION ALL SELECT 'map_run_items', count(*)::text, coalesce(sum(pg_column_size(t.*)), 0)::text
  FROM map_run_items t WHERE map_run_arn IN (SELECT map_run_arn FROM runs)`;

/** A Distributed Map's rows: the parent's and its children's executions and histories, its Map Runs and items. */
async function distributedRows(
  stack: BenchStack,
  workflowIds: string[],
): Promise<{ rows: number; bytes: number; byTable: Record<string, number> }> {
  const result = await stack.query<{ table: string; rows: string; bytes: string }>(DISTRIBUTED_ROWS, [workflowIds]);
  return {
    rows: result.reduce((sum, row) => sum + Number(row.rows), 0),
    bytes: result.reduce((sum, row) => sum + Number(row.bytes), 0),
    byTable: Object.fromEntries(result.map((row) => [row.table, Number(row.rows)])),
  };
}

/** (a) Stepflow through its REST API: the API starts the workflows, the Stepflow worker runs them. */
export function stepflowEngine(stack: BenchStack, client: Client, wal: WalMeter, config: BenchConfig): Engine {
  const registered = new Map<string, string>();
  let runTag = 0;

  /** The state machine holding this exact definition (a new name per definition, so sizes never mix). */
  async function stateMachineFor(workload: Workload): Promise<string> {
    const text = JSON.stringify(workload.definition);
    const name = `bench-${workload.name}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
    if (!registered.has(name)) {
      await post(`${stack.apiUrl}/v1/state-machines`, { name, definition: workload.definition });
      registered.set(name, name);
    }
    return name;
  }

  return {
    name: 'stepflow',
    supports: () => true,
    async run(workload, round) {
      const stateMachine = await stateMachineFor(workload);
      const tag = `${round}-${runTag++}`;
      return runOnTemporal(
        {
          engine: 'stepflow',
          client,
          wal,
          pids: () => ({
            worker: stack.pids.stepflowWorker,
            api: stack.pids.api,
            functions: stack.pids.functionHost,
            server: stack.pids.temporalServer,
          }),
          workerPid: () => stack.pids.stepflowWorker,
          restartWorker: async () => {
            await stack.restartWorker('stepflowWorker');
          },
          startConcurrency: config.startConcurrency,
          historySample: config.historySample,
          roundTimeoutMs: config.roundTimeoutMs,
          stuckAttempts: config.stuckAttempts,
          async start(index, input) {
            const { json } = await post(`${stack.apiUrl}/v1/state-machines/${stateMachine}/executions`, {
              name: `${tag}-${index}`,
              input,
            });
            return String(json.executionId);
          },
          async storedRows(workflowIds) {
            if (workload.distributed) return distributedRows(stack, workflowIds);
            // The execution's history rows in Stepflow's own tables, its large payloads (kept once
            // per execution) included; Temporal's are counted from its history.
            const result = await stack.query<{ rows: string; bytes: string }>(
              `SELECT count(*)::text AS rows,
                      (coalesce(sum(pg_column_size(e.*)), 0) +
                       (SELECT coalesce(sum(pg_column_size(p.*)), 0) FROM execution_payloads p
                         WHERE execution_id = ANY($1)))::text AS bytes
                 FROM execution_events e WHERE execution_id = ANY($1)`,
              [workflowIds],
            );
            return { rows: Number(result[0].rows), bytes: Number(result[0].bytes) };
          },
          ...(workload.distributed
            ? {
                async mapRunIds(workflowIds: string[]) {
                  const rows = await stack.query<{ arn: string }>(
                    'SELECT map_run_arn AS arn FROM map_runs WHERE execution_id = ANY($1)',
                    [workflowIds],
                  );
                  return rows.map((row) => row.arn);
                },
              }
            : {}),
          async checkResult(workflowId) {
            const outcome = (await client.workflow.getHandle(workflowId).result()) as { status?: string };
            return outcome.status === 'SUCCEEDED';
          },
        },
        workload,
        round,
      );
    },
    async close() {},
  };
}
