/**
 * Error names defined by the Amazon States Language ("States.*"), as constants so that no code
 * spells them by hand.
 */
export const StatesErrors = {
  ALL: 'States.ALL',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Timeout: 'States.Timeout',
  TaskFailed: 'States.TaskFailed',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  QueryEvaluationError: 'States.QueryEvaluationError',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  DataLimitExceeded: 'States.DataLimitExceeded',
  Runtime: 'States.Runtime',
} as const;

/** A runtime error with an ASL error name (`Error`) and a human-readable `Cause`. */
export class StatesError extends Error {
  constructor(
    /** The ASL error name, e.g. `States.Timeout` or a user function's error name. */
    readonly error: string,
    /** The ASL cause text, passed through to Catch's error output and the execution result. */
    override readonly cause: string = '',
  ) {
    super(cause ? `${error}: ${cause}` : error);
    this.name = 'StatesError';
  }
}
