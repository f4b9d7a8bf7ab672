import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { ResultWriter } from '../../../schemas/asl/map-fields';
import {
  manifestKey,
  mapRunIdOf,
  RESULT_FILE_MAX_BYTES,
  ResultFileBuilder,
  resultEntries,
  resultFileKey,
  resultFileStatus,
  resultWriterFailed,
  resultWriterFormat,
  utf8Length,
  type MapRunChild,
  type ResultFileRef,
  type ResultFileStatus,
  type ResultManifest,
  type ResultWriterFormat,
  type ResultWriterOutput,
} from '../../core/items';
import { isStates, s3Cause } from './s3-errors';

/** What writing results needs: the S3 client (AwsClients.s3()) and, optionally, sizes and a cancel signal. */
export interface ResultWriterDeps {
  s3: S3Client;
  /** A result file is split past this many bytes (default RESULT_FILE_MAX_BYTES, AWS's 5 GB). */
  maxFileBytes?: number;
  /** A file larger than this goes up as a multipart upload in parts of this size (default 8 MiB; S3 needs ≥ 5 MiB). */
  partBytes?: number;
  signal?: AbortSignal;
}

/**
 * A finished (or failed / aborted) Map Run, as the Map Run hands it to the writer: its ARN
 * (`arn:aws:states:<region>:<account>:mapRun:<stateMachine>/<label>:<mapRunId>`; the id after the
 * last `:` names the results folder) and its children, in item order, as an array or a stream —
 * a stream lets 100,000 records go out without ever being held at once.
 */
export interface MapRunResults {
  mapRunArn: string;
  children: Iterable<MapRunChild> | AsyncIterable<MapRunChild>;
}

const PUT_OBJECT = /^arn:[a-z-]+:states:::s3:putObject$/;
const WRITER_FIELDS = new Set(['Bucket', 'Prefix']);
const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/**
 * Writes a Map Run's results as AWS does, under `<Prefix>/<mapRunId>/`: `SUCCEEDED_<n>.json`
 * (succeeded children), `FAILED_<n>.json` (failed, timed-out and aborted ones) and
 * `PENDING_<n>.json` (items never started), each a JSON array — or JSON Lines (`.jsonl`) with
 * `WriterConfig.OutputType: JSONL` — of the entries `WriterConfig.Transformation` makes (`NONE`
 * by default: each child's record with AWS's field names), a file split once it would pass 5 GB;
 * then `manifest.json` (`DestinationBucket`, `MapRunArn`, `ResultFiles` with each file's `Key`
 * and `Size`). A status without children gets no file. Returns the state's output
 * `{MapRunArn, ResultWriterDetails: {Bucket, Key}}`. Any failure is a StatesError
 * `States.ResultWriterFailed` whose cause names the bucket and key.
 *
 * `evaluatedArguments` are the ResultWriter's `Parameters` / `Arguments` once evaluated
 * (`Bucket`, `Prefix`).
 */
export async function writeResults(
  writer: ResultWriter,
  evaluatedArguments: unknown,
  run: MapRunResults,
  deps: ResultWriterDeps,
): Promise<ResultWriterOutput> {
  if (writer.Resource === undefined || !PUT_OBJECT.test(writer.Resource)) {
    throw resultWriterFailed(
      `The ResultWriter's Resource '${writer.Resource ?? ''}' is not supported; use arn:aws:states:::s3:putObject`,
    );
  }
  const args = evaluatedArguments;
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw resultWriterFailed("The ResultWriter's Parameters (or Arguments) must be a JSON object");
  }
  for (const key of Object.keys(args)) {
    if (!WRITER_FIELDS.has(key))
      throw resultWriterFailed(`The ResultWriter's field '${key}' is not supported; use Bucket, Prefix`);
  }
  const { Bucket: bucket, Prefix: prefix = '' } = args as Record<string, unknown>;
  if (typeof bucket !== 'string' || bucket === '')
    throw resultWriterFailed("The ResultWriter's 'Bucket' must be a non-empty string");
  if (typeof prefix !== 'string') throw resultWriterFailed("The ResultWriter's 'Prefix' must be a string");

  const format = resultWriterFormat(writer);
  const mapRunId = mapRunIdOf(run.mapRunArn);
  const target: Target = {
    s3: deps.s3,
    bucket,
    prefix,
    mapRunId,
    format,
    maxFileBytes: deps.maxFileBytes ?? RESULT_FILE_MAX_BYTES,
    partBytes: deps.partBytes ?? DEFAULT_PART_BYTES,
    signal: deps.signal,
  };
  const files: Record<ResultFileStatus, StatusFiles> = {
    FAILED: new StatusFiles(target, 'FAILED'),
    PENDING: new StatusFiles(target, 'PENDING'),
    SUCCEEDED: new StatusFiles(target, 'SUCCEEDED'),
  };
  try {
    for await (const child of run.children) {
      const status = files[resultFileStatus(child.status)];
      for (const entry of resultEntries(child, format.transformation)) await status.add(JSON.stringify(entry));
    }
    for (const status of Object.values(files)) await status.finish();
  } catch (err) {
    await Promise.all(Object.values(files).map((status) => status.abort()));
    throw err;
  }
  const manifest: ResultManifest = {
    DestinationBucket: bucket,
    MapRunArn: run.mapRunArn,
    ResultFiles: { FAILED: files.FAILED.refs, PENDING: files.PENDING.refs, SUCCEEDED: files.SUCCEEDED.refs },
  };
  const key = manifestKey(prefix, mapRunId);
  await put(target, key, JSON.stringify(manifest), 'application/json');
  return { MapRunArn: run.mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: key } };
}

interface Target {
  s3: S3Client;
  bucket: string;
  prefix: string;
  mapRunId: string;
  format: ResultWriterFormat;
  maxFileBytes: number;
  partBytes: number;
  signal?: AbortSignal;
}

async function put(target: Target, key: string, body: string, contentType: string): Promise<void> {
  try {
    await target.s3.send(
      new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: body, ContentType: contentType }),
      {
        abortSignal: target.signal,
      },
    );
  } catch (err) {
    throw resultWriterFailed(s3Cause('putObject', `s3://${target.bucket}/${key}`, err));
  }
}

/** The files of one status: entries are buffered up to a part, then go up as a multipart upload. */
class StatusFiles {
  readonly refs: ResultFileRef[] = [];
  private readonly builder: ResultFileBuilder;
  private upload?: { key: string; uploadId: string; parts: { ETag: string; PartNumber: number }[] };

  constructor(
    private readonly target: Target,
    private readonly status: ResultFileStatus,
  ) {
    this.builder = new ResultFileBuilder(target.format.outputType, target.maxFileBytes);
  }

  private get key(): string {
    return resultFileKey(
      this.target.prefix,
      this.target.mapRunId,
      this.status,
      this.builder.index,
      this.target.format.outputType,
    );
  }

  private get contentType(): string {
    return this.target.format.outputType === 'JSONL' ? 'application/x-ndjson' : 'application/json';
  }

  async add(entryText: string): Promise<void> {
    const bytes = utf8Length(entryText);
    if (this.builder.wouldSplit(bytes)) await this.closeFile();
    this.builder.add(entryText, bytes);
    if (this.builder.bufferedBytes >= this.target.partBytes) await this.uploadPart(this.builder.take());
  }

  /** Ends the last file (none when the status had no entry). */
  async finish(): Promise<void> {
    if (this.builder.entries > 0) await this.closeFile();
  }

  /** Abandons an unfinished multipart upload (best effort: the original error is what matters). */
  async abort(): Promise<void> {
    const upload = this.upload;
    this.upload = undefined;
    if (!upload) return;
    try {
      await this.target.s3.send(
        new AbortMultipartUploadCommand({ Bucket: this.target.bucket, Key: upload.key, UploadId: upload.uploadId }),
      );
    } catch {
      // S3 expires abandoned uploads by its lifecycle rules; nothing more to do here.
    }
  }

  private async closeFile(): Promise<void> {
    const key = this.key;
    const { tail, size } = this.builder.close();
    if (this.upload) {
      if (tail !== '') await this.uploadPart(tail, key);
      const upload = this.upload;
      try {
        await this.target.s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.target.bucket,
            Key: key,
            UploadId: upload.uploadId,
            MultipartUpload: { Parts: upload.parts },
          }),
          { abortSignal: this.target.signal },
        );
      } catch (err) {
        throw resultWriterFailed(s3Cause('completeMultipartUpload', `s3://${this.target.bucket}/${key}`, err));
      }
      this.upload = undefined;
    } else {
      await put(this.target, key, tail, this.contentType);
    }
    this.refs.push({ Key: key, Size: size });
  }

  private async uploadPart(text: string, key = this.key): Promise<void> {
    const location = `s3://${this.target.bucket}/${key}`;
    try {
      if (!this.upload) {
        const created = await this.target.s3.send(
          new CreateMultipartUploadCommand({ Bucket: this.target.bucket, Key: key, ContentType: this.contentType }),
          { abortSignal: this.target.signal },
        );
        this.upload = { key, uploadId: created.UploadId!, parts: [] };
      }
      const partNumber = this.upload.parts.length + 1;
      const part = await this.target.s3.send(
        new UploadPartCommand({
          Bucket: this.target.bucket,
          Key: key,
          UploadId: this.upload.uploadId,
          PartNumber: partNumber,
          Body: text,
        }),
        { abortSignal: this.target.signal },
      );
      this.upload.parts.push({ ETag: part.ETag!, PartNumber: partNumber });
    } catch (err) {
      if (isStates(err)) throw err;
      throw resultWriterFailed(s3Cause('uploadPart', location, err));
    }
  }
}
