import { ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleHandle } from '@temporalio/client';
import type { z } from 'zod';
import type {
  BackfillRequestSchema,
  CreateScheduleRequest,
  OverlapPolicy,
  ScheduleResponse,
} from '../../schemas/api/triggers';
import { DomainError } from '../service/errors';
import { getStateMachine } from '../service/state-machines';
import {
  deleteSchedule,
  findSchedule,
  insertSchedule,
  listScheduleExecutions,
  listSchedules,
  setSchedulePaused,
  type ScheduleRow,
} from '../db/trigger-schedules-repo';
import type { ServiceDeps } from '../service/deps';
import {
  SCHEDULED_EXECUTION_WORKFLOW,
  triggersTaskQueue,
  type ScheduledExecutionInput,
} from '../../workflows/scheduled-execution';
import { isTimeZone, parseScheduleExpression, ScheduleExpressionError } from './schedule-expression';

/** The Temporal Schedule id of a Stepflow schedule. */
export function temporalScheduleId(name: string): string {
  return `stepflow-schedule-${name}`;
}

function handleOf(deps: ServiceDeps, name: string): ScheduleHandle {
  return deps.temporal.schedule.getHandle(temporalScheduleId(name));
}

function toResponse(row: ScheduleRow): ScheduleResponse {
  return {
    name: row.name,
    stateMachine: row.stateMachine,
    ...(row.version !== null ? { version: row.version } : {}),
    ...(row.alias !== null ? { alias: row.alias } : {}),
    input: row.input,
    expression: row.expression,
    timeZone: row.timeZone,
    overlap: row.overlap as OverlapPolicy,
    description: row.description,
    paused: row.paused,
    createdAt: row.createdAt.toISOString(),
  };
}

async function existing(deps: ServiceDeps, name: string): Promise<ScheduleRow> {
  const row = await findSchedule(deps.pool, name);
  if (!row) throw new DomainError('RESOURCE_NOT_FOUND', `Schedule '${name}' does not exist`);
  return row;
}

/** Runs a Temporal call; a failure to reach Temporal is a 503 the caller may retry. */
async function temporalCall<T>(deps: ServiceDeps, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw err;
    deps.log.error({ err }, `${what} failed`);
    throw new DomainError('SERVICE_UNAVAILABLE', `The schedule could not be changed: Temporal is unavailable; retry`);
  }
}

/**
 * Creates a schedule: the row (what the API lists), then the Temporal Schedule that fires it.
 * Each action starts the `scheduledExecution` workflow on the triggers task queue, which starts
 * the Stepflow execution (see workflows/scheduled-execution.ts). `at(...)` takes one action.
 */
export async function createSchedule(deps: ServiceDeps, request: CreateScheduleRequest): Promise<ScheduleResponse> {
  let times;
  try {
    times = parseScheduleExpression(request.expression);
  } catch (err) {
    if (!(err instanceof ScheduleExpressionError)) throw err;
    throw new DomainError('VALIDATION_FAILED', `expression: ${err.message}`);
  }
  if (!isTimeZone(request.timeZone)) {
    throw new DomainError('VALIDATION_FAILED', `timeZone: '${request.timeZone}' is not an IANA time zone`);
  }
  const input = request.input === undefined ? {} : request.input;
  await getStateMachine(deps, request.stateMachine);
  const row = await insertSchedule(deps.pool, {
    name: request.name,
    stateMachine: request.stateMachine,
    version: request.version ?? null,
    alias: request.alias ?? null,
    input,
    expression: request.expression,
    timeZone: request.timeZone,
    overlap: request.overlap,
    description: request.description,
  });
  if (!row) throw new DomainError('CONFLICT', `Schedule '${request.name}' already exists`);
  const args: ScheduledExecutionInput = { schedule: request.name, wait: request.overlap !== 'ALLOW_ALL' };
  const options = {
    scheduleId: temporalScheduleId(request.name),
    spec: { calendars: times.calendars, intervals: times.intervals, timezone: request.timeZone },
    action: {
      type: 'startWorkflow' as const,
      workflowType: SCHEDULED_EXECUTION_WORKFLOW,
      workflowId: temporalScheduleId(request.name),
      taskQueue: triggersTaskQueue(deps.config.TEMPORAL_TASK_QUEUE),
      args: [args],
    },
    policies: { overlap: request.overlap },
    state: {
      paused: request.paused,
      ...(request.description ? { note: request.description } : {}),
      ...(times.oneTime ? { remainingActions: 1 } : {}),
    },
    memo: { stateMachine: request.stateMachine },
  };
  try {
    try {
      await deps.temporal.schedule.create(options);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      // Left behind by a delete that reached the database but not Temporal: the row decides.
      await handleOf(deps, request.name).delete();
      await deps.temporal.schedule.create(options);
    }
  } catch (err) {
    await deleteSchedule(deps.pool, request.name);
    deps.log.error({ err, schedule: request.name }, 'schedule create failed');
    throw new DomainError('SERVICE_UNAVAILABLE', 'The schedule could not be created: Temporal is unavailable; retry');
  }
  if (request.paused) await setSchedulePaused(deps.pool, request.name, true);
  deps.log.info(
    { schedule: request.name, stateMachine: request.stateMachine, expression: request.expression },
    'schedule created',
  );
  return { ...toResponse(row), paused: request.paused };
}

export async function listSchedulePage(
  deps: ServiceDeps,
  limit: number,
  after?: string,
): Promise<{ schedules: ScheduleResponse[]; next?: string }> {
  const rows = await listSchedules(deps.pool, limit + 1, after);
  const page = rows.slice(0, limit);
  return { schedules: page.map(toResponse), ...(rows.length > limit ? { next: page.at(-1)?.name } : {}) };
}

/** A schedule, with its next nominal times and actions taken from Temporal (omitted while Temporal is unreachable). */
export async function describeSchedule(deps: ServiceDeps, name: string): Promise<ScheduleResponse> {
  const row = await existing(deps, name);
  try {
    const description = await handleOf(deps, name).describe();
    return {
      ...toResponse(row),
      paused: description.state.paused,
      nextActionTimes: description.info.nextActionTimes.map((time) => time.toISOString()),
      numActionsTaken: description.info.numActionsTaken,
    };
  } catch (err) {
    deps.log.warn({ err, schedule: name }, 'schedule describe from temporal failed');
    return toResponse(row);
  }
}

/** Pauses (`true`) or resumes a schedule; `note` is kept with it in Temporal. */
export async function setPaused(
  deps: ServiceDeps,
  name: string,
  paused: boolean,
  note?: string,
): Promise<ScheduleResponse> {
  await existing(deps, name);
  const handle = handleOf(deps, name);
  await temporalCall(deps, 'schedule pause', () => (paused ? handle.pause(note) : handle.unpause(note)));
  await setSchedulePaused(deps.pool, name, paused);
  deps.log.info({ schedule: name, paused }, paused ? 'schedule paused' : 'schedule resumed');
  return describeSchedule(deps, name);
}

/** Takes the actions the schedule would have taken between `start` and `end` (each its own execution). */
export async function backfillSchedule(
  deps: ServiceDeps,
  name: string,
  request: z.infer<typeof BackfillRequestSchema>,
): Promise<void> {
  await existing(deps, name);
  await temporalCall(deps, 'schedule backfill', () =>
    handleOf(deps, name).backfill([
      { start: new Date(request.start), end: new Date(request.end), overlap: request.overlap },
    ]),
  );
  deps.log.info({ schedule: name, start: request.start, end: request.end }, 'schedule backfill requested');
}

/** Deletes the Temporal Schedule, then the row (executions it started stay). */
export async function removeSchedule(deps: ServiceDeps, name: string): Promise<void> {
  await existing(deps, name);
  try {
    await temporalCall(deps, 'schedule delete', () => handleOf(deps, name).delete());
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  await deleteSchedule(deps.pool, name);
  deps.log.info({ schedule: name }, 'schedule deleted');
}

/** The executions a schedule started, newest nominal time first; `next` pages on. */
export async function listScheduleExecutionPage(
  deps: ServiceDeps,
  name: string,
  limit: number,
  next?: string,
): Promise<{ executions: { scheduledTime: string; executionId: string; startedAt: string }[]; next?: string }> {
  await existing(deps, name);
  if (next !== undefined && Number.isNaN(Date.parse(next)))
    throw new DomainError('INVALID_CURSOR', 'next is not a cursor this API returned');
  const rows = await listScheduleExecutions(
    deps.pool,
    name,
    limit + 1,
    next === undefined ? undefined : new Date(next),
  );
  const page = rows.slice(0, limit);
  return {
    executions: page.map((row) => ({
      scheduledTime: row.scheduledTime.toISOString(),
      executionId: row.executionId,
      startedAt: row.startedAt.toISOString(),
    })),
    ...(rows.length > limit ? { next: page.at(-1)?.scheduledTime.toISOString() } : {}),
  };
}
