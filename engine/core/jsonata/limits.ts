/**
 * Bounds on one JSONata evaluation, so that an expression cannot hang a worker or exhaust its
 * memory. All are counted, never timed: the same expression on the same data stops at the same
 * point on every replay.
 */
export interface JsonataLimits {
  /** Evaluation steps (AST nodes entered) one expression may take. */
  maxSteps: number;
  /** Nesting depth of the evaluation (recursive functions included). */
  maxDepth: number;
  /** Longest string any step may produce, in UTF-16 code units. */
  maxStringLength: number;
  /** Longest array or sequence any step may produce. */
  maxArrayLength: number;
}

/**
 * Defaults: far above what a data-shaping expression needs, far below what would stall a
 * workflow task (Temporal fails a task that runs for seconds without yielding). Measured on the
 * real worker: a runaway recursion with 100,000 steps or 300 levels overflows the workflow
 * thread's async stack and crashes the worker (Node: "async hook stack has become corrupted"),
 * so the bounds stay an order of magnitude below that.
 */
export const DEFAULT_JSONATA_LIMITS: JsonataLimits = {
  maxSteps: 10_000,
  maxDepth: 100,
  maxStringLength: 4 * 1024 * 1024,
  maxArrayLength: 200_000,
};

/** Raised inside an evaluation that went past one of its JsonataLimits. */
export class EvaluationLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationLimitError';
  }
}
