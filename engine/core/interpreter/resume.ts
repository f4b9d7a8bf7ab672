import type { Scope } from './scope';

/**
 * Where a branch stood when its execution ended (failed, timed out or was stopped): the state it
 * was in, with that state's input and the branch's own variables; for a Parallel or Map state,
 * the outputs of its finished branches and where each unfinished one stood. A redrive resumes
 * from here, so nothing that succeeded runs again (RedriveExecution).
 */
export interface ResumePoint {
  state: string;
  input: unknown;
  variables?: Record<string, unknown>;
  branches?: {
    /** Outputs of the branches (iterations) that finished, by index. */
    done: Record<string, unknown>;
    /** Where each started-but-unfinished branch stood, by index (the rest start afresh). */
    pending: Record<string, ResumePoint>;
  };
}

/** The state a scope is running, as `runMachine` and `runBranches` record it for a redrive. */
export interface StateFrame {
  name: string;
  input: unknown;
  variables: Record<string, unknown>;
  branches?: { results: unknown[]; done: boolean[]; scopes: Scope[] };
}

/** The resume point of a scope (recursively through its Parallel/Map branches). */
export function captureResume(scope: Scope): ResumePoint | undefined {
  const frame = scope.frame;
  if (!frame) return undefined;
  const point: ResumePoint = { state: frame.name, input: frame.input };
  if (Object.keys(frame.variables).length > 0) point.variables = frame.variables;
  if (frame.branches) {
    const done: Record<string, unknown> = {};
    const pending: Record<string, ResumePoint> = {};
    frame.branches.scopes.forEach((branch, index) => {
      if (frame.branches?.done[index]) done[index] = frame.branches.results[index];
      else {
        const inner = captureResume(branch);
        if (inner) pending[index] = inner;
      }
    });
    point.branches = { done, pending };
  }
  return point;
}
