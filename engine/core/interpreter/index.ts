export { runExecution, runExecutionRun, type ContinuedRun, type ExecutionRun, type TopLevelMachine } from './execution';
export type { Continuation } from './continuation';
export { HistoryRecorder, payloadText } from './history';
export type {
  Abandonment,
  ExecutionInfo,
  ExecutionOutcome,
  InterpreterHost,
  TaskInvocation,
  TaskOutcome,
} from './types';
export { resumePointOf, type Redrive } from './execution';
export type { ResumePoint } from './resume';
