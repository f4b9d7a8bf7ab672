import { inputPath, outputPath, payloadTemplate, resultPath } from '../data-flow';
import { runCatching, type StepResult } from '../guarded';
import { runBranchGroup } from '../branch-group';
import { runMachine } from '../machine';
import { withRetry } from '../retry-catch';
import { contextObject, type MachineDef, type Scope, type StateDef } from '../scope';

/**
 * Parallel: every branch of `Branches` runs on the effective input (after `Parameters`); the
 * result is the array of branch outputs in branch order. A failing branch fails the state with
 * its own error (as AWS reports it) and the other branches are abandoned.
 */
export async function runParallel(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  return runCatching(name, state, input, scope, (enteredTime) =>
    withRetry(state, scope, async (retryCount) => {
      const ctx = contextObject(scope, { name, enteredTime, retryCount });
      const effective = payloadTemplate(state.Parameters, inputPath(state.InputPath, input, ctx), ctx, scope);
      const branches = state.Branches as MachineDef[];
      const startedId = scope.emit('ParallelStateStarted');
      const results = await runBranchGroup(scope, {
        kind: 'Parallel',
        stateName: name,
        startedId,
        count: branches.length,
        limit: 0,
        body: (index, branch) => runMachine(branches[index], effective, branch),
      });
      const selected = payloadTemplate(state.ResultSelector, results, ctx, scope);
      return outputPath(state.OutputPath, resultPath(state.ResultPath, input, selected), ctx);
    }),
  );
}
