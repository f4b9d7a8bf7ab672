import type { EventBody } from '../../../schemas/history';
import type { AbortFlag } from './scope';
import { runBranches } from './branches';
import { asStatesError, type Scope } from './scope';

/** A Map's tolerance for failed iterations (`ToleratedFailureCount`/`…Percentage`). */
export interface Tolerance {
  /** True when `failures` failed iterations are more than the Map tolerates. */
  exceeded(failures: number): boolean;
  /** The error the Map then fails with (`States.ExceedToleratedFailureThreshold`). */
  error(): Error;
}

/** The branches of one Parallel or Map attempt. */
export interface BranchGroup<T> {
  kind: 'Parallel' | 'Map';
  /** The Parallel/Map state's name (Map iteration events carry it). */
  stateName: string;
  /** Id of `ParallelStateStarted`/`MapStateStarted`. */
  startedId: number;
  count: number;
  /** At most this many branches at once (0 = no limit). */
  limit: number;
  body(index: number, branch: Scope): Promise<T>;
  /** Map only: failures up to the tolerance leave their error output as the item's result. */
  tolerance?: Tolerance;
  /**
   * Distributed Map: each iteration is a child execution with its own history (given by
   * `childScope`), and the parent records a Map Run (`MapRunStarted` … `MapRunSucceeded`/`Failed`).
   */
  distributed?: { mapRunArn: string; childScope(abort: AbortFlag): Scope };
}

type IterationEvent = 'Started' | 'Succeeded' | 'Failed' | 'Aborted';

/** `MapIteration<event>` with its details member. */
function mapIterationEvent(event: IterationEvent, details: { index: number; name: string }): EventBody {
  switch (event) {
    case 'Started':
      return { type: 'MapIterationStarted', mapIterationStartedEventDetails: details };
    case 'Succeeded':
      return { type: 'MapIterationSucceeded', mapIterationSucceededEventDetails: details };
    case 'Failed':
      return { type: 'MapIterationFailed', mapIterationFailedEventDetails: details };
    case 'Aborted':
      return { type: 'MapIterationAborted', mapIterationAbortedEventDetails: details };
  }
}

/**
 * Runs a Parallel's branches or a Map's iterations and records them as AWS does:
 * `MapIterationStarted`/`MapIterationSucceeded` per iteration (Map); on a failure, for every
 * unfinished branch in index order `MapIterationFailed`/`MapIterationAborted` (Map) and the
 * `…StateAborted` of the state it was in, then `<Kind>StateFailed`, all chained to the failing
 * event; on success `<Kind>StateSucceeded` chained to the last branch event, leaving the scope
 * there (so `…StateExited` chains to the same event, as AWS records it). Results in branch order.
 */
export async function runBranchGroup<T>(scope: Scope, group: BranchGroup<T>): Promise<unknown[]> {
  const { kind, stateName: name, distributed } = group;
  const branches: Scope[] = [];
  const finished = new Set<number>();
  const failures = new Map<number, unknown>();
  const iterationEvent = (branch: Scope, event: IterationEvent, index: number, prev = branch.lastEventId): void => {
    if (kind !== 'Map') return;
    branch.lastEventId = branch.run.recorder.emit(prev, mapIterationEvent(event, { index, name }));
  };
  const abortAll = (failedIndex: number, causeId: number): void => {
    branches.forEach((branch, index) => {
      if (!branch || finished.has(index)) return;
      iterationEvent(
        branch,
        index === failedIndex ? 'Failed' : 'Aborted',
        index,
        distributed ? branch.lastEventId : causeId,
      );
      branch.recordAborted(distributed ? branch.lastEventId : causeId);
      finished.add(index);
    });
  };
  // Abandoned from outside (an enclosing branch failed): record this state's branches as aborted.
  const active = scope.current;
  if (active) active.abortChildren = (causeId) => abortAll(-1, causeId);
  const runStartedId = distributed
    ? scope.emit({ type: 'MapRunStarted', mapRunStartedEventDetails: { mapRunArn: distributed.mapRunArn } })
    : group.startedId;
  let fatal = false;
  try {
    const outcome = await runBranches(
      scope,
      runStartedId,
      group.count,
      group.limit,
      {
        scopeFor: distributed ? (_from, abort) => distributed.childScope(abort) : undefined,
        body: group.body,
        started: (index, branch) => iterationEvent(branch, 'Started', index),
        succeeded: (index, branch) => {
          finished.add(index);
          iterationEvent(branch, 'Succeeded', index);
        },
        failed: (index, branch, err) => {
          if (group.tolerance && !group.tolerance.exceeded(failures.size + 1)) {
            failures.set(index, err);
            iterationEvent(branch, 'Failed', index);
            branch.recordAborted(branch.lastEventId);
            finished.add(index);
            return false;
          }
          fatal = true;
          const causeId = branch.lastEventId;
          abortAll(index, causeId);
          if (distributed) {
            const failure = asStatesError(group.tolerance ? group.tolerance.error() : err);
            scope.emit({
              type: 'MapRunFailed',
              mapRunFailedEventDetails: { error: failure.error, cause: failure.cause },
            });
          } else scope.lastEventId = causeId;
          scope.emit({ type: `${kind}StateFailed` });
          return true;
        },
      },
      branches,
    );
    scope.lastEventId = distributed ? scope.emit({ type: 'MapRunSucceeded' }) : outcome.lastEventId;
    scope.run.recorder.emit(scope.lastEventId, { type: `${kind}StateSucceeded` });
    return Array.from(outcome.results, (result, index) => {
      if (!failures.has(index)) return result;
      const failure = asStatesError(failures.get(index));
      return { Error: failure.error, Cause: failure.cause };
    });
  } catch (err) {
    throw fatal && group.tolerance ? group.tolerance.error() : err;
  } finally {
    if (active) active.abortChildren = undefined;
  }
}
