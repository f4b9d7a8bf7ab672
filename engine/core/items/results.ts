import type { ResultWriter } from '../../../schemas/asl/map-fields';
import { resultWriterFailed } from './errors';

/**
 * What a Distributed Map's `ResultWriter` writes, as pure functions: the entries of the
 * `SUCCEEDED_n` / `FAILED_n` / `PENDING_n` result files, their splitting, and `manifest.json`
 * (engine/resources/items writes them to S3).
 */

/** The final status of one child of a Map Run; `PENDING` = never started (the Map Run failed or was aborted first). */
export type MapRunChildStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING';

/** The result file a child's record goes to: failed, timed-out and aborted children share `FAILED`. */
export type ResultFileStatus = 'SUCCEEDED' | 'FAILED' | 'PENDING';

/**
 * One child execution of a Map Run, as the Map Run hands it to the writer. Input and output are
 * JSON text, as AWS writes them (`"Input": "{\"a\":1}"`). Dates are ISO 8601 strings or Dates.
 */
export interface MapRunChild {
  /** The child's execution ARN (may be absent for a `PENDING` child that never started). */
  executionArn?: string;
  /** The child's execution name. */
  name?: string;
  /** The ARN AWS gives the children's state machine: `…:stateMachine:<parent>/<Label or state name>`. */
  stateMachineArn?: string;
  status: MapRunChildStatus;
  /** The child's input, as JSON text. */
  input: string;
  /** A succeeded child's output, as JSON text. */
  output?: string;
  /** A failed / timed-out / aborted child's error name and cause. */
  error?: string;
  cause?: string;
  startDate?: string | Date;
  stopDate?: string | Date;
  /** How often the child was redriven (default 0). */
  redriveCount?: number;
  /**
   * `RedriveStatus` written for the child: by default `NOT_REDRIVABLE` for a succeeded child (with
   * AWS's reason) and `REDRIVABLE_BY_MAP_RUN` for the others (a Map Run redrive re-runs them).
   */
  redriveStatus?: string;
  redriveStatusReason?: string;
}

/** `WriterConfig` resolved: `Transformation` (default NONE when writing to S3) and `OutputType` (default JSON). */
export interface ResultWriterFormat {
  transformation: 'NONE' | 'COMPACT' | 'FLATTEN';
  outputType: 'JSON' | 'JSONL';
}

/** The file status a child's record is written under. */
export function resultFileStatus(status: MapRunChildStatus): ResultFileStatus {
  if (status === 'SUCCEEDED') return 'SUCCEEDED';
  if (status === 'PENDING') return 'PENDING';
  return 'FAILED';
}

/**
 * `WriterConfig` with its defaults: when the results go to S3, `Transformation` is `NONE`
 * (AWS: "Default when exporting the child workflow execution results to Amazon S3 and WriterConfig
 * is not specified"); without S3 (`WriterConfig` only) it is `COMPACT`. `OutputType` is `JSON`.
 */
export function resultWriterFormat(writer: ResultWriter | undefined): ResultWriterFormat {
  const toS3 = writer?.Resource !== undefined;
  return {
    transformation: writer?.WriterConfig?.Transformation ?? (toS3 ? 'NONE' : 'COMPACT'),
    outputType: writer?.WriterConfig?.OutputType ?? 'JSON',
  };
}

function iso(date: string | Date | undefined): string | undefined {
  if (date === undefined) return undefined;
  return typeof date === 'string' ? date : date.toISOString();
}

/**
 * A child's record with its workflow metadata (`Transformation: NONE`), with AWS's field names in
 * AWS's (alphabetical) order: ExecutionArn, Input, InputDetails, Name, Output | Error + Cause,
 * OutputDetails, RedriveCount, RedriveStatus, RedriveStatusReason, StartDate, StateMachineArn,
 * Status, StopDate. Absent values are left out.
 */
export function childRecord(child: MapRunChild): Record<string, unknown> {
  const succeeded = child.status === 'SUCCEEDED';
  const record: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) record[key] = value;
  };
  set('Cause', succeeded ? undefined : child.cause);
  set('Error', succeeded ? undefined : child.error);
  set('ExecutionArn', child.executionArn);
  set('Input', child.input);
  set('InputDetails', { Included: true });
  set('Name', child.name);
  if (succeeded && child.output !== undefined) {
    set('Output', child.output);
    set('OutputDetails', { Included: true });
  }
  if (child.status !== 'PENDING') {
    set('RedriveCount', child.redriveCount ?? 0);
    set('RedriveStatus', child.redriveStatus ?? (succeeded ? 'NOT_REDRIVABLE' : 'REDRIVABLE_BY_MAP_RUN'));
    set(
      'RedriveStatusReason',
      child.redriveStatusReason ?? (succeeded ? 'Execution is SUCCEEDED and cannot be redriven' : undefined),
    );
  }
  set('StartDate', iso(child.startDate));
  set('StateMachineArn', child.stateMachineArn);
  set('Status', child.status);
  set('StopDate', iso(child.stopDate));
  return record;
}

function parsedOutput(child: MapRunChild): unknown {
  if (child.output === undefined) return null;
  try {
    return JSON.parse(child.output);
  } catch {
    throw resultWriterFailed(`The output of child execution ${child.executionArn ?? child.name ?? ''} is not JSON`);
  }
}

/**
 * The entries one child contributes to its result file (or to the state output when there is no
 * S3 destination): `NONE` → its record; `COMPACT` → its output; `FLATTEN` → its output, an array
 * spread into one entry per element. A child that did not succeed always contributes its record
 * unchanged (AWS: "If a child workflow execution fails, Step Functions returns its execution
 * result unchanged").
 */
export function resultEntries(child: MapRunChild, transformation: ResultWriterFormat['transformation']): unknown[] {
  if (transformation === 'NONE' || child.status !== 'SUCCEEDED') return [childRecord(child)];
  const output = parsedOutput(child);
  if (transformation === 'FLATTEN' && Array.isArray(output)) return output;
  return [output];
}

/**
 * The Map state's result when its `ResultWriter` has only a `WriterConfig` (no S3 destination):
 * each child's entries (`resultEntries` with its `Transformation`) in item order, as a JSON array
 * (`OutputType: JSON`) or as JSON Lines text, one entry per line, each line ending with a newline
 * (`JSONL`) — what AWS writes to a result file, handed to the next state instead.
 */
export function formatResults(children: Iterable<MapRunChild>, format: ResultWriterFormat): unknown {
  const entries: unknown[] = [];
  for (const child of children) entries.push(...resultEntries(child, format.transformation));
  if (format.outputType === 'JSON') return entries;
  return entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
}

/** Object key of one result file: `<prefix>/<mapRunId>/<STATUS>_<n>.json` (`.jsonl` for JSON Lines). */
export function resultFileKey(
  prefix: string,
  mapRunId: string,
  status: ResultFileStatus,
  index: number,
  outputType: ResultWriterFormat['outputType'],
): string {
  return `${resultsFolder(prefix, mapRunId)}${status}_${index}.${outputType === 'JSONL' ? 'jsonl' : 'json'}`;
}

/** Object key of the manifest: `<prefix>/<mapRunId>/manifest.json`. */
export function manifestKey(prefix: string, mapRunId: string): string {
  return `${resultsFolder(prefix, mapRunId)}manifest.json`;
}

/** `<prefix>/<mapRunId>/`: one slash between prefix and id whether or not the prefix ends with one; no prefix, no slash. */
function resultsFolder(prefix: string, mapRunId: string): string {
  if (prefix === '') return `${mapRunId}/`;
  return `${prefix.endsWith('/') ? prefix : `${prefix}/`}${mapRunId}/`;
}

/** The Map Run id in an ARN `arn:…:mapRun:<stateMachine>/<label>:<id>`: its last `:` segment. */
export function mapRunIdOf(mapRunArn: string): string {
  return mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
}

/** One result file listed in the manifest. */
export interface ResultFileRef {
  Key: string;
  Size: number;
}

/** `manifest.json` as AWS writes it. */
export interface ResultManifest {
  DestinationBucket: string;
  MapRunArn: string;
  ResultFiles: Record<'FAILED' | 'PENDING' | 'SUCCEEDED', ResultFileRef[]>;
}

/** What the Distributed Map state returns once its results are written. */
export interface ResultWriterOutput {
  MapRunArn: string;
  ResultWriterDetails: { Bucket: string; Key: string };
}

/**
 * Builds the text of one status's result files entry by entry: a JSON array (`[e1,e2]`) or JSON
 * Lines (`e1\ne2\n`); once a file would pass `maxFileBytes` the next entry opens the next file
 * (AWS: "If a file size exceeds 5 GB, Step Functions creates another file to write the remaining
 * execution results"). A file always holds at least one entry. The text comes out in chunks
 * (`flush`) so the caller can upload it in parts and never hold a whole file.
 */
export class ResultFileBuilder {
  /** Index of the file being built (`n` of `<STATUS>_<n>`). */
  index = 0;
  /** Bytes of the current file so far. */
  size = 0;
  /** Entries in the current file. */
  entries = 0;
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(
    readonly outputType: ResultWriterFormat['outputType'],
    readonly maxFileBytes: number,
  ) {}

  /** True when an entry of `entryBytes` must open the next file (the caller then `close()`s this one first). */
  wouldSplit(entryBytes: number): boolean {
    // The separator (`[`, `,` or the newline) and, for JSON, the closing `]`.
    const extra = 1 + (this.outputType === 'JSON' ? 1 : 0);
    return this.entries > 0 && this.size + entryBytes + extra > this.maxFileBytes;
  }

  /** Appends an entry (JSON text of `entryBytes` UTF-8 bytes) to the current file. */
  add(entryText: string, entryBytes: number): void {
    let text: string;
    if (this.outputType === 'JSONL') text = `${entryText}\n`;
    else text = `${this.entries === 0 ? '[' : ','}${entryText}`;
    const bytes = entryBytes + 1;
    this.pending.push(text);
    this.pendingBytes += bytes;
    this.size += bytes;
    this.entries++;
  }

  /** Bytes waiting in `pending` (not yet taken by `take`). */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Takes the text buffered so far. */
  take(): string {
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    return text;
  }

  /** Ends the current file: returns its last text (`]` for JSON) and its size, and starts file `index + 1`. */
  close(): { tail: string; size: number } {
    let tail = this.take();
    if (this.outputType === 'JSON') {
      tail += this.entries === 0 ? '[]' : ']';
      this.size += this.entries === 0 ? 2 : 1;
    }
    const size = this.size;
    this.index++;
    this.size = 0;
    this.entries = 0;
    return { tail, size };
  }
}
