import { AbortFlag, BranchAbandoned, type Scope } from './scope';

/** How a Parallel or Map state records its branches' lives. */
export interface BranchHooks<T> {
  /** The scope a branch runs in, chained to event `fromEventId` (default: a child of the state's scope). */
  scopeFor?(fromEventId: number, abort: AbortFlag): Scope;
  /** Runs branch `index` in its own scope. */
  body(index: number, branch: Scope): Promise<T>;
  /** Before the branch's first state: e.g. `MapIterationStarted`. */
  started?(index: number, branch: Scope): void;
  /** After the branch ended normally: e.g. `MapIterationSucceeded`. */
  succeeded?(index: number, branch: Scope): void;
  /**
   * A branch failed: return true to stop every branch (the error then fails the state), or
   * false to carry on (a tolerated Map failure). Called synchronously, before any sibling moves.
   */
  failed(index: number, branch: Scope, err: unknown): boolean;
}

/** What the branches left behind: results by index, and the last event of the last branch to end. */
export interface BranchesOutcome<T> {
  results: T[];
  lastEventId: number;
}

/**
 * Runs `count` branches, at most `limit` at once (0 = no limit), in index order. Each lane chains
 * its next branch to the last event of its previous branch (before that branch's success event),
 * as AWS chains `MapIterationStarted`. On the first fatal failure the shared abort flag is raised
 * (siblings stop at their next step) and that error is thrown.
 */
export async function runBranches<T>(
  scope: Scope,
  fromEventId: number,
  count: number,
  limit: number,
  hooks: BranchHooks<T>,
  /** The scopes of started branches, by index (for recording aborts). */
  branches: Scope[] = [],
): Promise<BranchesOutcome<T>> {
  const abort = new AbortFlag(scope.abort);
  const results = new Array<T>(count);
  const done = new Array<boolean>(count).fill(false);
  // What a redrive needs: finished branches keep their outputs, unfinished ones where they stood.
  if (scope.frame) scope.frame.branches = { results, done, scopes: branches };
  const resume = scope.resumeBranches;
  scope.resumeBranches = undefined;
  let lastEventId = fromEventId;
  let next = 0;
  let fatal: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    let cursor = fromEventId;
    while (next < count && !abort.raised) {
      const index = next++;
      const branch = hooks.scopeFor ? hooks.scopeFor(cursor, abort) : scope.child(cursor, abort);
      branches[index] = branch;
      if (resume && index in resume.done) {
        // Redrive: this branch succeeded before; its output is reused and nothing is recorded.
        results[index] = resume.done[index] as T;
        done[index] = true;
        continue;
      }
      branch.resume = resume?.pending[index];
      hooks.started?.(index, branch);
      try {
        results[index] = await hooks.body(index, branch);
        done[index] = true;
      } catch (err) {
        if (err instanceof BranchAbandoned || abort.raised) throw err;
        if (hooks.failed(index, branch, err)) {
          abort.raise();
          fatal = { error: err };
          throw err;
        }
        cursor = branch.lastEventId;
        lastEventId = cursor;
        continue;
      }
      cursor = branch.lastEventId;
      hooks.succeeded?.(index, branch);
      lastEventId = branch.lastEventId;
    }
  };
  // At most MaxConcurrency lanes, and never more than the execution's branch budget has left.
  const { bounds } = scope.run;
  const lanes = count === 0 ? 0 : bounds.lanes(Math.max(1, limit > 0 ? Math.min(limit, count) : count));
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } catch (err) {
    throw fatal ? fatal.error : err;
  } finally {
    bounds.release(lanes);
  }
  scope.checkAbandoned();
  return { results, lastEventId };
}
