import { StatesError, StatesErrors } from '../errors';

/** A read of a Distributed Map's items failed: `States.ItemReaderFailed` with `cause`. */
export function itemReaderFailed(cause: string): StatesError {
  return new StatesError(StatesErrors.ItemReaderFailed, cause);
}

/** A write of a Map Run's results failed: `States.ResultWriterFailed` with `cause`. */
export function resultWriterFailed(cause: string): StatesError {
  return new StatesError(StatesErrors.ResultWriterFailed, cause);
}
