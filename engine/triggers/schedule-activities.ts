import { ApplicationFailure } from '@temporalio/activity';
import { findSchedule, recordScheduleExecution } from '../db/trigger-schedules-repo';
import { findExecution } from '../db/executions-repo';
import type { ServiceDeps } from '../service/deps';
import { stopExecution } from '../service/stop';
import type { ScheduleActivities } from '../../workflows/scheduled-execution';
import { isRefusal, refusalCode, startOnce } from './start-once';

/** `2026-12-03T21:00:00Z` → `20261203T210000Z`: the nominal time inside an execution name. */
export function compactTime(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The name of the execution a schedule starts for a nominal time: `<schedule>-<yyyymmddThhmmssZ>`. */
export function scheduledExecutionName(schedule: string, scheduledTime: string): string {
  return `${schedule}-${compactTime(scheduledTime)}`;
}

/** The activities of scheduled actions, run by the triggers process with the API's use cases. */
export function createScheduleActivities(deps: ServiceDeps): ScheduleActivities {
  return {
    async startScheduledExecution({ schedule, scheduledTime }) {
      const row = await findSchedule(deps.pool, schedule);
      if (!row) throw ApplicationFailure.nonRetryable(`schedule '${schedule}' no longer exists`, 'ScheduleNotFound');
      try {
        const { execution, created } = await startOnce(
          deps,
          row,
          scheduledExecutionName(schedule, scheduledTime),
          row.input,
        );
        await recordScheduleExecution(deps.pool, schedule, new Date(scheduledTime), execution.executionId);
        deps.log.info(
          { executionId: execution.executionId, schedule, scheduledTime, created },
          'scheduled execution started',
        );
        return { executionId: execution.executionId };
      } catch (err) {
        // The target is gone or the input is refused: retrying will not help; Temporal records the failure.
        if (isRefusal(err)) throw ApplicationFailure.nonRetryable((err as Error).message, refusalCode(err));
        throw err;
      }
    },
    async executionStatus(executionId) {
      return (await findExecution(deps.pool, executionId))?.status ?? 'ABORTED';
    },
    async stopScheduledExecution(executionId) {
      try {
        await stopExecution(deps, executionId, {
          error: 'States.ScheduleOverlap',
          cause: 'cancelled by the schedule overlap policy CANCEL_OTHER',
        });
      } catch (err) {
        if (!isRefusal(err)) throw err;
      }
    },
  };
}
