import { AbortFlag, BranchAbandoned, type Scope } from './scope';

/**
 * Runs `count` branches with at most `limit` at once (0 = no limit), in index order. On the first
 * failure the shared abort flag is raised (siblings stop at their next state) and that error is
 * thrown; results keep their index.
 */
export async function runBranches<T>(
  scope: Scope,
  count: number,
  limit: number,
  branch: (index: number, abort: AbortFlag) => Promise<T>,
): Promise<T[]> {
  const abort = new AbortFlag(scope.abort);
  const results = new Array<T>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count && !abort.raised) {
      const index = next++;
      try {
        results[index] = await branch(index, abort);
      } catch (err) {
        if (!(err instanceof BranchAbandoned)) abort.aborted = true;
        throw err;
      }
    }
  };
  const lanes = Math.max(1, limit > 0 ? Math.min(limit, count) : count);
  await Promise.all(Array.from({ length: count === 0 ? 0 : lanes }, lane));
  scope.checkAbandoned();
  return results;
}
