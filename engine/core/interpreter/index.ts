export {
  runExecution,
  type AbortedRun,
  type ContinuedRun,
  type ExecutionHandle,
  type ExecutionRun,
  type RunOptions,
  type TopLevelMachine,
} from './execution';
export type { Continuation } from './continuation';
export { HistoryRecorder, payloadText } from './history';
export type {
  Abandonment,
  AbortedOutcome,
  AbortRequest,
  ExecutionInfo,
  ExecutionOutcome,
  InterpreterHost,
  TaskInvocation,
  TaskOutcome,
} from './types';
export type { Redrive } from './execution';
export type { ResumePoint } from './resume';
