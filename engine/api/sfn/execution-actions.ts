import { z } from 'zod';
import type { HistoryEvent } from '../../../schemas/history';
import { executionArnOfId, stateMachineArnOfId } from '../../core/arn';
import { decodeCursor, encodeCursor } from '../../service/cursor';
import type { ServiceDeps } from '../../service/deps';
import {
  getExecution,
  isIsoInstant,
  listExecutionRows,
  readHistoryPage,
  type ExecutionRow,
} from '../../service/describe';
import { getStateMachine } from '../../service/state-machines';
import { startExecution } from '../../service/start';
import { stopExecution } from '../../service/stop';
import { redriveExecution, redriveStatusOf as redrivable } from '../../service/redrive';
import {
  epochSeconds,
  executionIdOf,
  machineNotFound,
  parseStateMachineArn,
  stateMachineAliasArn,
  stateMachineNameOf,
  stateMachineVersionArn,
} from './arn';
import { namingArn, SfnError } from './errors';
import { existingMapRun } from './map-run-actions';
import { checkName } from './state-machine-actions';
import { nextTokenOf, PAGE_MEMBERS, pageSize, parseRequest } from './request';

const StartSchema = z.object({
  stateMachineArn: z.string(),
  name: z.string().optional(),
  input: z.string().optional(),
});

/** Parses StartExecution's `input` (JSON text; `InvalidExecutionInput` otherwise). */
function parseInput(input: string | undefined): unknown {
  if (input === undefined) return {};
  if (input.trim() === '')
    throw new SfnError('InvalidExecutionInput', `Invalid State Machine Execution Input: 'Invalid execution input.'`);
  try {
    return JSON.parse(input);
  } catch {
    throw new SfnError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${input}'`);
  }
}

/** A stored execution, or `ExecutionDoesNotExist`. */
function executionOf(deps: ServiceDeps, arn: unknown): Promise<ExecutionRow> {
  return namingArn(String(arn), getExecution(deps, executionIdOf(arn)));
}

/** The version / alias ARNs an execution was started with (absent when started on the machine itself). */
function startedWith(row: ExecutionRow) {
  return {
    ...(row.publishedVersion !== null
      ? { stateMachineVersionArn: stateMachineVersionArn(row.stateMachine, row.publishedVersion) }
      : {}),
    ...(row.alias !== null ? { stateMachineAliasArn: stateMachineAliasArn(row.stateMachine, row.alias) } : {}),
  };
}

/** `redriveStatus` (and its reason) as DescribeExecution reports it. */
function redriveStatusOf(row: ExecutionRow) {
  if (row.status === 'RUNNING' || row.status === 'SUCCEEDED') {
    return {
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: `Execution is ${row.status} and cannot be redriven`,
    };
  }
  const status = redrivable(row, 'STANDARD');
  return status.redrivable
    ? { redriveStatus: 'REDRIVABLE' }
    : { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: status.reason };
}

/** DescribeExecution's shape of a stored execution. */
function describe(row: ExecutionRow) {
  return {
    executionArn: executionArnOfId(row.executionId),
    stateMachineArn: stateMachineArnOfId(row.executionId, row.stateMachine),
    ...startedWith(row),
    name: row.name,
    status: row.status,
    startDate: epochSeconds(row.startDate),
    ...(row.stopDate ? { stopDate: epochSeconds(row.stopDate) } : {}),
    ...(row.mapRunArn ? { mapRunArn: row.mapRunArn } : {}),
    input: JSON.stringify(row.input),
    inputDetails: { included: true },
    ...(row.status === 'SUCCEEDED' ? { output: JSON.stringify(row.output), outputDetails: { included: true } } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.cause !== null ? { cause: row.cause } : {}),
    redriveCount: row.redriveCount,
    ...(row.redriveDate ? { redriveDate: epochSeconds(row.redriveDate) } : {}),
    ...redriveStatusOf(row),
    // Stepflow extension: the OpenTelemetry trace the execution was started in.
    ...(row.traceId ? { stepflow: { traceId: row.traceId } } : {}),
  };
}

/** An event as GetExecutionHistory returns it (epoch-second timestamp; data optional). */
function wireEvent(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...event, timestamp: epochSeconds(event.timestamp) };
  if (!includeData) {
    for (const [key, value] of Object.entries(out)) {
      if (key.endsWith('EventDetails') && value && typeof value === 'object') {
        const { input: _input, output: _output, ...rest } = value as Record<string, unknown>;
        out[key] = rest;
      }
    }
  }
  return out;
}

/** The Step Functions execution actions. */
export const executionActions = {
  async StartExecution(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(StartSchema, body);
    const ref = parseStateMachineArn(request.stateMachineArn, ['machine', 'version', 'alias'], machineNotFound);
    if (request.name !== undefined) checkName(request.name);
    const input = parseInput(request.input);
    const { execution } = await namingArn(
      ref.arn,
      startExecution(deps, ref.name, { name: request.name, input }, { version: ref.version, alias: ref.alias }),
    );
    return { executionArn: execution.executionArn, startDate: epochSeconds(execution.startDate) };
  },

  async StartSyncExecution(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(StartSchema, body);
    const name = stateMachineNameOf(request.stateMachineArn);
    const machine = await namingArn(request.stateMachineArn, getStateMachine(deps, name));
    if (machine.type !== 'EXPRESS') {
      throw new SfnError(
        'StateMachineTypeNotSupported',
        'This operation is not supported by this type of state machine',
      );
    }
    const { execution } = await startExecution(deps, name, { name: request.name, input: parseInput(request.input) });
    await deps.temporal.workflow.getHandle(execution.executionId).result();
    const {
      redriveCount: _r,
      redriveStatus: _s,
      redriveStatusReason: _t,
      ...shape
    } = describe(await getExecution(deps, execution.executionId)) as Record<string, unknown>;
    return { ...shape, billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 } };
  },

  async RedriveExecution(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({ executionArn: z.string(), clientToken: z.string().max(64).optional() }),
      body,
    );
    const row = await executionOf(deps, request.executionArn);
    const { redriveDate } = await redriveExecution(deps, row.executionId);
    return { redriveDate: epochSeconds(redriveDate) };
  },

  async DescribeExecution(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ executionArn: z.string() }), body);
    return describe(await executionOf(deps, request.executionArn));
  },

  async StopExecution(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({
        executionArn: z.string(),
        error: z.string().max(256).optional(),
        cause: z.string().max(32768).optional(),
      }),
      body,
    );
    const row = await executionOf(deps, request.executionArn);
    const { stopDate } = await stopExecution(deps, row.executionId, { error: request.error, cause: request.cause });
    return { stopDate: epochSeconds(stopDate) };
  },

  async GetExecutionHistory(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({
        executionArn: z.string(),
        maxResults: z.number().int().min(0).max(1000).optional(),
        nextToken: z.string().optional(),
        reverseOrder: z.boolean().optional(),
        includeExecutionData: z.boolean().optional(),
      }),
      body,
    );
    const row = await executionOf(deps, request.executionArn);
    const reverse = request.reverseOrder === true;
    // Keyset on the event id: the token is the last id returned and the order it was read in.
    const token = decodeCursor(request.nextToken, z.object({ e: z.number().int().min(0), r: z.boolean() }));
    if (token && token.r !== reverse) throw new SfnError('InvalidToken', `Invalid Token: 'Invalid token'`);
    const page = await readHistoryPage(deps, row.executionId, {
      limit: pageSize(request.maxResults),
      reverse,
      from: token?.e,
    });
    const last = page.events[page.events.length - 1];
    return {
      events: page.events.map((event) => wireEvent(event, request.includeExecutionData !== false)),
      ...(page.more && last ? { nextToken: encodeCursor({ e: last.id, r: reverse }) } : {}),
    };
  },

  async ListExecutions(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({
        stateMachineArn: z.string().optional(),
        mapRunArn: z.string().optional(),
        statusFilter: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']).optional(),
        redriveFilter: z.enum(['REDRIVEN', 'NOT_REDRIVEN']).optional(),
        ...PAGE_MEMBERS,
      }),
      body,
    );
    if ((request.stateMachineArn === undefined) === (request.mapRunArn === undefined)) {
      throw new SfnError('ValidationException', 'Exactly one of stateMachineArn and mapRunArn must be given');
    }
    let ref: { name?: string; version?: number; alias?: string } = {};
    if (request.mapRunArn !== undefined) await existingMapRun(deps, request.mapRunArn);
    else {
      const machine = parseStateMachineArn(request.stateMachineArn, ['machine', 'version', 'alias'], machineNotFound);
      await namingArn(machine.arn, getStateMachine(deps, machine.name));
      ref = machine;
    }
    const before = decodeCursor(
      request.nextToken,
      z.object({ startDate: z.string().refine(isIsoInstant), executionId: z.string() }),
    );
    const { rows, next } = await listExecutionRows(deps, {
      stateMachine: ref.name,
      mapRunArn: request.mapRunArn,
      publishedVersion: ref.version,
      alias: ref.alias,
      status: request.statusFilter,
      redriven: request.redriveFilter === undefined ? undefined : request.redriveFilter === 'REDRIVEN',
      limit: pageSize(request.maxResults),
      before,
    });
    return {
      executions: rows.map((row) => ({
        executionArn: executionArnOfId(row.executionId),
        stateMachineArn: stateMachineArnOfId(row.executionId, row.stateMachine),
        ...(row.mapRunArn ? { mapRunArn: row.mapRunArn } : {}),
        ...startedWith(row),
        name: row.name,
        status: row.status,
        startDate: epochSeconds(row.startDate),
        ...(row.stopDate ? { stopDate: epochSeconds(row.stopDate) } : {}),
        redriveCount: 0,
      })),
      ...nextTokenOf(next),
    };
  },
};
