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

/**
 * An inspection that keeps every stage, for the state's exit event: a stage is kept only when it
 * is not the very value of the stage before it (the state input first), so a state whose fields
 * leave the data alone records nothing (docs/history-extensions.md).
 */
export class StageRecorder implements Inspection {
  /** Stage names and values, interleaved (one array per state: every state records its stages). */
  private readonly stages: unknown[] = [];

  record(stage: InspectionStage, value: unknown): void {
    this.stages.push(stage, value);
  }

  output<P extends { output: unknown; assigned?: Assignment }>(produced: P): P {
    this.stages.push('output', produced.output);
    return produced;
  }

  /** Every stage recorded, in order (TestState's `inspectionData`). */
  all(): readonly [InspectionStage, unknown][] {
    const all: [InspectionStage, unknown][] = [];
    for (let i = 0; i < this.stages.length; i += 2) all.push([this.stages[i] as InspectionStage, this.stages[i + 1]]);
    return all;
  }

  /** The stages that changed the data, without `input` and `output` (the state's events carry them). */
  changed(): Partial<Record<InspectionStage, unknown>> | undefined {
    let previous: unknown;
    let changed: Partial<Record<InspectionStage, unknown>> | undefined;
    for (let i = 0; i < this.stages.length; i += 2) {
      const stage = this.stages[i] as InspectionStage;
      const value = this.stages[i + 1];
      if (stage !== 'input' && stage !== 'output' && value !== previous) (changed ??= {})[stage] = value;
      previous = value;
    }
    return changed;
  }
}
