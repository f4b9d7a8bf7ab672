export { runExecution, type ExecutionHandle, type ExecutionRun, type TopLevelMachine } from './execution';
export type { Continuation } from './continuation';
export { HistoryRecorder } from './history';
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
