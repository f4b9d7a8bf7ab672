import { ARN_ACCOUNT, ARN_REGION } from '../arn';
import type { ItemReader, ResultWriter } from '../../../schemas/asl/map-fields';
import type { ResultWriterFormat } from '../items/results';
import type { MachineDef } from './scope';
import type { ItemShaping } from './states/map-items';

/**
 * A Distributed Map's Map Run as the interpreter asks its host to run it: every item (or
 * `ItemBatcher` batch, after `ItemSelector`) becomes a child execution of `processor`.
 */
export interface MapRunRequest {
  /** The ARN the interpreter minted (`…:mapRun:<machine>/<label>:<uuid>`); a redrive may keep an earlier one. */
  mapRunArn: string;
  stateName: string;
  /** `Label`, or the state's name. */
  label: string;
  /** `ItemProcessor`: the state machine each child runs. */
  processor: MachineDef;
  /** The children's inputs, in item order. */
  inputs: unknown[];
  /** True when the inputs are `ItemBatcher` batches (`{Items: [...]}`). */
  batched: boolean;
  /** `MaxConcurrency[Path]` (0 = no limit of the user's; the host still bounds what is in flight). */
  maxConcurrency: number;
  /** `ToleratedFailureCount[Path]`, `ToleratedFailurePercentage[Path]` (absent: 0). */
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  /** `ProcessorConfig.ExecutionType`. */
  executionType: 'STANDARD' | 'EXPRESS';
  /** `ItemReader`, evaluated: the host reads the items (`inputs` is then empty; see engine/resources/items). */
  itemReader?: MapItemReader;
  /** `ResultWriter` to S3, evaluated: the host writes the results and the state's result is where. */
  resultWriter?: MapResultWriter;
  /**
   * A `ResultWriter` with only `WriterConfig`: the state's result is the children's results with
   * its `Transformation` and `OutputType` applied (see `formatResults`) instead of their outputs.
   */
  resultFormat?: ResultWriterFormat;
}

/** A Distributed Map's `ItemReader` with its fields evaluated in the workflow; the host does the reading. */
export interface MapItemReader {
  /** `ItemReader` as written (`Resource`, `ReaderConfig`). */
  reader: ItemReader;
  /** Its `Parameters` (JSONPath) or `Arguments` (JSONata), evaluated: `Bucket`, `Key`, `Prefix`… */
  arguments: unknown;
  /** `ReaderConfig.MaxItems[Path]` resolved (absent: every item). */
  maxItems?: number;
  /** `ItemSelector` and `ItemBatcher`, applied to each item read. */
  shaping: ItemShaping;
}

/** A Distributed Map's `ResultWriter` to S3 (`arn:aws:states:::s3:putObject`), its `Parameters`/`Arguments` evaluated. */
export interface MapResultWriter {
  writer: ResultWriter;
  arguments: unknown;
}

/** A Map Run the host started (or, on a redrive, reopened). */
export interface MapRunStart {
  mapRunArn: string;
  /** True when an earlier run's Map Run was reopened (redrive): `MapRunRedriven` instead of `MapRunStarted`. */
  redriven: boolean;
}

/**
 * How a Map Run ended: the children's outputs in item order (a failed child's `{Error, Cause}`) or,
 * with an S3 `ResultWriter`, where they were written; or its error.
 */
export type MapRunOutcome =
  { status: 'SUCCEEDED'; results: unknown } | { status: 'FAILED' | 'ABORTED'; error: string; cause: string };

/** The Map Run ARN AWS mints for a Distributed Map: `arn:aws:states:…:mapRun:<machine>/<label>:<uuid>`. */
export function mapRunArnOf(stateMachine: string, label: string, uuid: string): string {
  return `arn:aws:states:${ARN_REGION}:${ARN_ACCOUNT}:mapRun:${stateMachine}/${label}:${uuid}`;
}

const MAP_RUN_ARN = /^arn:aws:states:([a-z0-9-]+):(\d{12}):mapRun:([^/:\s]{1,80})\/([^/:\s]{1,80}):([^/:\s]{1,80})$/u;

/** The parts of a Map Run ARN (region and account as written), or undefined when it is not one. */
export function parseMapRunArn(
  arn: string,
): { region: string; account: string; stateMachine: string; label: string; id: string } | undefined {
  const match = MAP_RUN_ARN.exec(arn);
  if (!match) return undefined;
  return { region: match[1], account: match[2], stateMachine: match[3], label: match[4], id: match[5] };
}

/**
 * A Map Run child's execution id (`<machine>/<label>:<uuid>`, also its Temporal workflow id): the
 * execution ARN is then `…:execution:<machine>/<label>:<uuid>`, as AWS names a Map Run's children.
 */
export function mapRunChildId(mapRunArn: string, uuid: string): string {
  const parts = parseMapRunArn(mapRunArn);
  if (!parts) throw new Error(`not a Map Run ARN: ${mapRunArn}`);
  return `${parts.stateMachine}/${parts.label}:${uuid}`;
}

/**
 * True when `failures` failed children exceed `ToleratedFailureCount` (default 0 when neither is
 * set) or `ToleratedFailurePercentage` of `total` — the Map Run then fails with
 * `States.ExceedToleratedFailureThreshold`.
 */
export function exceedsTolerance(failures: number, total: number, count?: number, percentage?: number): boolean {
  return (
    failures > (count ?? (percentage === undefined ? 0 : Infinity)) ||
    (percentage !== undefined && (failures * 100) / Math.max(total, 1) > percentage)
  );
}
