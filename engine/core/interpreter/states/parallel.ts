import { runBranchGroup } from '../branch-group';
import type { StateRunner } from '../pipeline';
import type { MachineDef } from '../scope';

/**
 * Parallel: every branch of `Branches` runs on the effective input (after `Parameters`, or the
 * JSONata `Arguments`), each in its own variable scope (it reads the outer variables; what it
 * assigns vanishes with it); the result is the array of branch outputs in branch order. A failing
 * branch fails the state with its own error (as AWS reports it) and the other branches are
 * abandoned.
 */
export const parallelRunner: StateRunner = {
  retryable: true,
  parameters: true,
  spec: { hasResult: true },
  act(io) {
    const { name, state, scope } = io.e;
    const branches = state.Branches as MachineDef[];
    const startedId = scope.emit({ type: 'ParallelStateStarted' });
    return runBranchGroup(scope, {
      kind: 'Parallel',
      stateName: name,
      startedId,
      count: branches.length,
      limit: 0,
      body: (index, branch) => io.runMachine(branches[index]!, io.params, branch),
    });
  },
};
