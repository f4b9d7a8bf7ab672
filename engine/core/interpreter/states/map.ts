import { StatesError, StatesErrors } from '../../errors';
import { readPath } from '../../paths';
import { inputPath, outputPath, payloadTemplate, resultPath } from '../data-flow';
import { runCatching, type StepResult } from '../guarded';
import { runBranches } from '../branches';
import { runMachine } from '../machine';
import { withRetry } from '../retry-catch';
import { BranchAbandoned, contextObject, type MachineDef, type Scope, type StateDef } from '../scope';

/** Reads a value the Map state needs from the effective input, as `States.Runtime` when missing. */
function read(path: string, effective: unknown, ctx: unknown): unknown {
  try {
    return readPath(path, effective, ctx);
  } catch (err) {
    throw new StatesError(StatesErrors.Runtime, (err as Error).message);
  }
}

/** `MaxConcurrency` or `MaxConcurrencyPath` (0 = unbounded, the ASL default). */
function maxConcurrency(state: StateDef, effective: unknown, ctx: unknown): number {
  if (state.MaxConcurrencyPath === undefined) return state.MaxConcurrency ?? 0;
  const value = read(state.MaxConcurrencyPath, effective, ctx);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new StatesError(StatesErrors.Runtime, `The MaxConcurrencyPath field must reference a non-negative integer: ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Map (inline): runs `ItemProcessor` (or legacy `Iterator`) once per element of the array at
 * `ItemsPath`, each on `ItemSelector` (or legacy `Parameters`) evaluated with `$$.Map.Item`,
 * at most `MaxConcurrency` at once; the result is the array of outputs in item order.
 */
export async function runMap(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  return runCatching(name, state, input, scope, (enteredTime) =>
    withRetry(state, scope, async (retryCount) => {
      const ctx = contextObject(scope, { name, enteredTime, retryCount });
      const effective = inputPath(state.InputPath, input, ctx);
      const items = state.ItemsPath === undefined ? effective : read(state.ItemsPath, effective, ctx);
      if (!Array.isArray(items)) {
        throw new StatesError(
          StatesErrors.Runtime,
          `Item path ${state.ItemsPath ?? '$'} must point to a JSON array, but it points to ${JSON.stringify(items)}`,
        );
      }
      const processor = (state.ItemProcessor ?? state.Iterator) as MachineDef;
      const selector = state.ItemSelector ?? state.Parameters;
      const limit = maxConcurrency(state, effective, ctx);
      const startedId = scope.emit('MapStateStarted', 'mapStateStartedEventDetails', { length: items.length });
      let results: unknown[];
      try {
        results = await runBranches(scope, items.length, limit, async (index, abort) => {
          const iteration = scope.child(startedId, abort);
          const itemCtx = { ...ctx, Map: { Item: { Index: index, Value: items[index] } } };
          const itemInput = selector === undefined ? items[index] : payloadTemplate(selector, effective, itemCtx, scope);
          iteration.emit('MapIterationStarted', 'mapIterationStartedEventDetails', { index, name });
          try {
            const output = await runMachine(processor, itemInput, iteration);
            iteration.emit('MapIterationSucceeded', 'mapIterationSucceededEventDetails', { index, name });
            return output;
          } catch (err) {
            const aborted = err instanceof BranchAbandoned;
            iteration.emit(aborted ? 'MapIterationAborted' : 'MapIterationFailed', aborted ? 'mapIterationAbortedEventDetails' : 'mapIterationFailedEventDetails', { index, name });
            throw err;
          }
        });
      } catch (err) {
        scope.emit('MapStateFailed');
        throw err;
      }
      scope.emit('MapStateSucceeded');
      const selected = payloadTemplate(state.ResultSelector, results, ctx, scope);
      return outputPath(state.OutputPath, resultPath(state.ResultPath, input, selected), ctx);
    }),
  );
}
