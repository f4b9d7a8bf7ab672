import type { Assignment } from '../variables';

/** The data-flow stages an inspection records, in pipeline order. */
export type InspectionStage =
  | 'input'
  | 'afterInputPath'
  | 'afterParameters'
  | 'afterArguments'
  | 'result'
  | 'afterResultSelector'
  | 'afterResultPath'
  | 'output';

/**
 * Receives the intermediate values of one state's data flow as the pipeline computes them (the
 * values themselves, never recomputed). The execution records them in the state's exit event;
 * TestState reports them as its `inspectionData`.
 */
export interface Inspection {
  record(stage: InspectionStage, value: unknown): void;
  /** The state's output and assigned variables: the last stage. */
  output<P extends { output: unknown; assigned?: Assignment }>(produced: P): P;
}

/** An inspection that keeps nothing. */
export const NO_INSPECTION: Inspection = {
  record() {},
  output: (produced) => produced,
};
