import { evaluateTemplate } from '../../jsonata';
import { inputPath, outputPath, payloadTemplate, resultPath } from '../data-flow';
import { runCatching, type StepResult } from '../guarded';
import { runBranchGroup } from '../branch-group';
import { runMachine } from '../machine';
import { isJsonata, jsonataOutput, jsonataScope, jsonPathAssign, variablesOf, type Produced } from '../query-language';
import { withRetry } from '../retry-catch';
import { contextObject, type MachineDef, type Scope, type StateDef } from '../scope';

/** Runs every branch on `effective`; results in branch order. */
function runBranchesOf(name: string, state: StateDef, effective: unknown, scope: Scope): Promise<unknown[]> {
  const branches = state.Branches as MachineDef[];
  const startedId = scope.emit('ParallelStateStarted');
  return runBranchGroup(scope, {
    kind: 'Parallel',
    stateName: name,
    startedId,
    count: branches.length,
    limit: 0,
    body: (index, branch) => runMachine(branches[index], effective, branch),
  });
}

/**
 * Parallel: every branch of `Branches` runs on the effective input (after `Parameters`, or the
 * JSONata `Arguments`), each in its own variable scope (it reads the outer variables; what it
 * assigns vanishes with it); the result is the array of branch outputs in branch order. A failing
 * branch fails the state with its own error (as AWS reports it) and the other branches are
 * abandoned. `Assign` reads the raw result (`$` in JSONPath, `$states.result` in JSONata).
 */
export async function runParallel(name: string, state: StateDef, input: unknown, scope: Scope): Promise<StepResult> {
  return runCatching(name, state, input, scope, (enteredTime) =>
    withRetry(state, scope, async (retryCount): Promise<Produced> => {
      const ctx = contextObject(scope, { name, enteredTime, retryCount });
      if (isJsonata(state, scope)) {
        const variables = variablesOf(scope);
        const args =
          state.Arguments === undefined
            ? input
            : await evaluateTemplate(
                state.Arguments,
                jsonataScope(scope, { input, context: ctx }, variables),
                'Arguments',
              );
        const result = await runBranchesOf(name, state, args, scope);
        return jsonataOutput(state, jsonataScope(scope, { input, context: ctx, result }, variables), result);
      }
      const variables = variablesOf(scope);
      const effective = payloadTemplate(
        state.Parameters,
        inputPath(state.InputPath, input, ctx, variables),
        ctx,
        scope,
      );
      const results = await runBranchesOf(name, state, effective, scope);
      const assigned = jsonPathAssign(state.Assign, results, ctx, scope);
      const selected = payloadTemplate(state.ResultSelector, results, ctx, scope);
      return {
        output: outputPath(state.OutputPath, resultPath(state.ResultPath, input, selected), ctx, variables),
        assigned,
      };
    }),
  );
}
