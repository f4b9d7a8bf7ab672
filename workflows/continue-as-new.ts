import { patched, workflowInfo } from '@temporalio/workflow';
import type { ExecutionWorkflowInput } from './messages';

/**
 * Patch id: the execution workflow continues as new at a top-level state boundary before its
 * Temporal history grows large, and fails with `States.Runtime` (instead of being refused by
 * Temporal) when it grows too large inside a branch. Asked only when a threshold is passed, so
 * executions recorded before replay as they ran.
 */
export const CONTINUE_AS_NEW = 'scale-continue-as-new-v1';

/** Default `STEPFLOW_CONTINUE_AS_NEW_EVENTS` for executions started before it existed. */
export const CONTINUE_AS_NEW_EVENTS = 8_000;
/** Default `STEPFLOW_CONTINUE_AS_NEW_BYTES` for executions started before it existed. */
export const CONTINUE_AS_NEW_BYTES = 8 * 1024 * 1024;

/**
 * Temporal terminates a workflow whose history reaches 51,200 events or 50 MiB. Past these, a
 * state that starts inside a branch (where the run cannot continue as new) fails the execution.
 */
export const EXHAUSTED_EVENTS = 40_000;
export const EXHAUSTED_BYTES = 40 * 1024 * 1024;

/** The execution's thresholds, fixed when it started (so every replay decides the same). */
export interface HistoryThresholds {
  events: number;
  bytes: number;
}

export function thresholdsOf(limits: ExecutionWorkflowInput['limits']): HistoryThresholds {
  return {
    events: limits?.continueAsNewEvents ?? CONTINUE_AS_NEW_EVENTS,
    bytes: limits?.continueAsNewBytes ?? CONTINUE_AS_NEW_BYTES,
  };
}

/**
 * True when this run should hand over to a new one: Temporal suggests it, or the history passed
 * one of the thresholds. `workflowInfo()` carries the history's length and size as of the current
 * workflow task, the same on replay.
 */
export function shouldContinueAsNew(thresholds: HistoryThresholds): boolean {
  const info = workflowInfo();
  const due =
    info.continueAsNewSuggested || info.historyLength >= thresholds.events || info.historySize >= thresholds.bytes;
  return due && patched(CONTINUE_AS_NEW);
}

/** True when the history is so close to Temporal's limits that the execution must fail now. */
export function historyExhausted(): boolean {
  const info = workflowInfo();
  const exhausted = info.historyLength >= EXHAUSTED_EVENTS || info.historySize >= EXHAUSTED_BYTES;
  return exhausted && patched(CONTINUE_AS_NEW);
}
