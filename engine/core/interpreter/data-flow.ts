import { StatesError, StatesErrors } from '../errors';
import { applyInputPath, applyOutputPath, applyResultPath, PathNotFoundError } from '../paths';
import { applyPayloadTemplate } from '../payload-template';
import type { Scope } from './scope';

/** Runs a path evaluation, turning "no results" into the ASL error `errorName`. */
function mapMissing<T>(errorName: string, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (err) {
    if (err instanceof PathNotFoundError) throw new StatesError(errorName, err.message);
    throw err;
  }
}

/** `InputPath`: selects the state's effective input (`States.Runtime` when nothing matches). */
export function inputPath(
  path: string | null | undefined,
  input: unknown,
  context: unknown,
  variables?: Record<string, unknown>,
): unknown {
  return mapMissing(StatesErrors.Runtime, () => applyInputPath(path, input, context, variables));
}

/** `OutputPath`: selects the state's output (`States.Runtime` when nothing matches). */
export function outputPath(
  path: string | null | undefined,
  output: unknown,
  context: unknown,
  variables?: Record<string, unknown>,
): unknown {
  return mapMissing(StatesErrors.Runtime, () => applyOutputPath(path, output, context, variables));
}

/** `ResultPath`: places `result` into the raw state input. */
export function resultPath(path: string | null | undefined, input: unknown, result: unknown): unknown {
  return applyResultPath(path, input, result);
}

/**
 * `Parameters` / `ResultSelector` / `ItemSelector`: a payload template; absent, the input passes
 * through. A `.$` path that selects nothing fails with the error AWS records (see payload-template).
 */
export function payloadTemplate(template: unknown, input: unknown, context: unknown, scope: Scope): unknown {
  if (template === undefined) return input;
  return applyPayloadTemplate(
    template,
    input,
    context,
    { random: () => scope.run.host.random() },
    scope.variables.visible(),
  );
}
