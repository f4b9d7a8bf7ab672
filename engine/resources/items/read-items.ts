import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ItemReader } from '../../../schemas/asl/map-fields';
import {
  createItemParser,
  DEFAULT_ITEM_LIMITS,
  itemParseConfig,
  itemReaderFailed,
  resolveMaxItems,
  type ItemLimits,
  type ItemParseConfig,
} from '../../core/items';
import { isStates, s3Cause } from './s3-errors';

/** What reading items needs: the S3 client (AwsClients.s3()) and, optionally, lower bounds and a cancel signal. */
export interface ItemReaderDeps {
  s3: S3Client;
  /** Overrides of DEFAULT_ITEM_LIMITS. */
  limits?: Partial<ItemLimits>;
  /** Cancels the read (the activity's cancellation signal). */
  signal?: AbortSignal;
}

/** Options of one read. */
export interface ReadItemsOptions {
  /**
   * `MaxItems` already resolved (from `MaxItemsPath` by the caller, with core `resolveMaxItems`);
   * when absent, `ReaderConfig.MaxItems` applies. 0 or undefined = every item.
   */
  maxItems?: number;
  /** Items per page yielded by `readItemPages` (default 1,000). */
  pageSize?: number;
}

/** One `s3:listObjectsV2` item, as AWS hands it to the Map: `LastModified` in epoch seconds. */
export interface S3ObjectItem {
  Etag: string;
  Key: string;
  LastModified: number;
  Size: number;
  StorageClass: string;
}

const GET_OBJECT = /^arn:[a-z-]+:states:::s3:getObject$/;
const LIST_OBJECTS = /^arn:[a-z-]+:states:::s3:listObjectsV2$/;
const GET_OBJECT_FIELDS = new Set(['Bucket', 'Key', 'VersionId', 'ExpectedBucketOwner']);
const LIST_FIELDS = new Set(['Bucket', 'Prefix', 'Delimiter', 'StartAfter', 'ExpectedBucketOwner', 'RequestPayer']);
const DEFAULT_PAGE_SIZE = 1000;

function stringField(args: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const value = args[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || (required && value === '')) {
    throw itemReaderFailed(`The ItemReader's '${field}' must be a${required ? ' non-empty' : ''} string`);
  }
  return value;
}

function argumentsObject(args: unknown, allowed: Set<string>, resource: string): Record<string, unknown> {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw itemReaderFailed(`The ItemReader's Parameters (or Arguments) for ${resource} must be a JSON object`);
  }
  for (const key of Object.keys(args)) {
    if (!allowed.has(key)) {
      throw itemReaderFailed(
        `The ItemReader's field '${key}' is not supported for ${resource}; use ${[...allowed].join(', ')}`,
      );
    }
  }
  return args as Record<string, unknown>;
}

function limitsOf(deps: ItemReaderDeps): ItemLimits {
  return { ...DEFAULT_ITEM_LIMITS, ...deps.limits };
}

/**
 * Reads a Distributed Map's items page by page, in order, so that the caller never holds them
 * twice: `Resource` `arn:aws:states:::s3:getObject` (`Bucket`, `Key`, `VersionId`,
 * `ExpectedBucketOwner`) parses the object as `ReaderConfig` says (JSON, JSONL, CSV), streaming
 * its body; `arn:aws:states:::s3:listObjectsV2` (`Bucket`, `Prefix`, …) yields one
 * `S3ObjectItem` per object, following continuation tokens, or — with `ReaderConfig.Transformation`
 * `LOAD_AND_FLATTEN` — the items of every listed object, parsed as `InputType` says. Reading stops
 * at `MaxItems`. Every failure is a StatesError `States.ItemReaderFailed` whose cause names the
 * bucket and key.
 *
 * `evaluatedArguments` are the ItemReader's `Parameters` (JSONPath) or `Arguments` (JSONata) once
 * evaluated against the state's input.
 */
export async function* readItemPages(
  reader: ItemReader,
  evaluatedArguments: unknown,
  deps: ItemReaderDeps,
  options: ReadItemsOptions = {},
): AsyncGenerator<unknown[], void, undefined> {
  const limits = limitsOf(deps);
  const maxItems =
    options.maxItems === undefined ? resolveMaxItems(reader.ReaderConfig) : options.maxItems || undefined;
  const pageSize = Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE);
  const page = new Paging(pageSize, maxItems, limits.maxItems);
  if (GET_OBJECT.test(reader.Resource)) {
    const args = argumentsObject(evaluatedArguments, GET_OBJECT_FIELDS, 's3:getObject');
    const config = itemParseConfig(reader.ReaderConfig, page.remaining());
    yield* objectPages(deps, args, config, limits, page);
  } else if (LIST_OBJECTS.test(reader.Resource)) {
    const args = argumentsObject(evaluatedArguments, LIST_FIELDS, 's3:listObjectsV2');
    const flatten = reader.ReaderConfig?.Transformation === 'LOAD_AND_FLATTEN';
    if (!flatten && reader.ReaderConfig?.InputType !== undefined) {
      throw itemReaderFailed(
        "InputType applies to s3:listObjectsV2 only with Transformation 'LOAD_AND_FLATTEN' (which reads each listed object)",
      );
    }
    const config = flatten ? itemParseConfig(reader.ReaderConfig) : undefined;
    for await (const objects of listPages(deps, args, page)) {
      if (!config) {
        const out = page.add(objects);
        if (out.length > 0) yield out;
      } else {
        for (const object of objects) {
          const objectArgs = { Bucket: args.Bucket, Key: object.Key, ExpectedBucketOwner: args.ExpectedBucketOwner };
          yield* objectPages(deps, objectArgs, { ...config, maxItems: page.remaining() }, limits, page);
          if (page.full()) break;
        }
      }
      if (page.full()) break;
    }
  } else {
    throw itemReaderFailed(
      `The ItemReader's Resource '${reader.Resource}' is not supported; use arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2`,
    );
  }
  const rest = page.flush();
  if (rest.length > 0) yield rest;
}

/** Reads every item at once (see `readItemPages`). */
export async function readItems(
  reader: ItemReader,
  evaluatedArguments: unknown,
  deps: ItemReaderDeps,
  options: ReadItemsOptions = {},
): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const page of readItemPages(reader, evaluatedArguments, deps, { ...options, pageSize: 10_000 })) {
    for (const item of page) items.push(item);
  }
  return items;
}

/** Counts items against `MaxItems` and the hard bound, and groups them into pages. */
class Paging {
  private count = 0;
  private buffer: unknown[] = [];

  constructor(
    private readonly size: number,
    private readonly maxItems: number | undefined,
    private readonly bound: number,
  ) {}

  /** Items still wanted (undefined = no MaxItems). */
  remaining(): number | undefined {
    return this.maxItems === undefined ? undefined : this.maxItems - this.count;
  }

  full(): boolean {
    return this.maxItems !== undefined && this.count >= this.maxItems;
  }

  /** Takes items (as many as MaxItems still allows); returns the full pages they completed. */
  add(items: unknown[]): unknown[] {
    const out: unknown[] = [];
    for (const item of items) {
      if (this.full()) break;
      if (this.count >= this.bound) {
        throw itemReaderFailed(
          `The ItemReader yields more than Stepflow's limit of ${this.bound} items; set ReaderConfig.MaxItems to read fewer`,
        );
      }
      this.buffer.push(item);
      this.count++;
      if (this.buffer.length >= this.size) for (const full of this.take()) out.push(full);
    }
    return out;
  }

  flush(): unknown[] {
    return this.take();
  }

  private take(): unknown[] {
    const page = this.buffer;
    this.buffer = [];
    return page;
  }
}

async function* objectPages(
  deps: ItemReaderDeps,
  args: Record<string, unknown>,
  config: ItemParseConfig,
  limits: ItemLimits,
  page: Paging,
): AsyncGenerator<unknown[]> {
  const bucket = stringField(args, 'Bucket', true)!;
  const key = stringField(args, 'Key', true)!;
  const versionId = stringField(args, 'VersionId', false);
  const location = `s3://${bucket}/${key}${versionId ? `?versionId=${versionId}` : ''}`;
  const parser = createItemParser(config, location, limits);
  if (parser.done) return;
  let body: AsyncIterable<Uint8Array> & { destroy?: () => void };
  try {
    const response = await deps.s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        VersionId: versionId,
        ExpectedBucketOwner: stringField(args, 'ExpectedBucketOwner', false),
      }),
      { abortSignal: deps.signal },
    );
    if (response.ContentLength !== undefined && response.ContentLength > limits.maxSourceBytes) {
      (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
      throw itemReaderFailed(
        `${location} is larger than Stepflow's limit of ${limits.maxSourceBytes} bytes for an ItemReader source (${response.ContentLength} bytes)`,
      );
    }
    body = response.Body as unknown as typeof body;
  } catch (err) {
    if (isStates(err)) throw err;
    throw itemReaderFailed(s3Cause('getObject', location, err));
  }
  try {
    const iterator = body[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (err) {
        throw itemReaderFailed(s3Cause('getObject', location, err));
      }
      if (next.done) break;
      const out = page.add(parser.push(next.value));
      if (out.length > 0) yield out;
      if (parser.done) break;
    }
    if (!parser.done) {
      const out = page.add(parser.end());
      if (out.length > 0) yield out;
    }
  } finally {
    // Stop the download when MaxItems, a bound or the consumer ended the read early.
    body.destroy?.();
  }
}

async function* listPages(
  deps: ItemReaderDeps,
  args: Record<string, unknown>,
  page: Paging,
): AsyncGenerator<S3ObjectItem[]> {
  const bucket = stringField(args, 'Bucket', true)!;
  const prefix = stringField(args, 'Prefix', false);
  const location = `s3://${bucket}/${prefix ?? ''}`;
  let token: string | undefined;
  do {
    const remaining = page.remaining();
    let response;
    try {
      response = await deps.s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          Delimiter: stringField(args, 'Delimiter', false),
          StartAfter: stringField(args, 'StartAfter', false),
          ExpectedBucketOwner: stringField(args, 'ExpectedBucketOwner', false),
          RequestPayer: stringField(args, 'RequestPayer', false) as 'requester' | undefined,
          ContinuationToken: token,
          MaxKeys: remaining === undefined ? undefined : Math.min(1000, Math.max(remaining, 1)),
        }),
        { abortSignal: deps.signal },
      );
    } catch (err) {
      throw itemReaderFailed(s3Cause('listObjectsV2', location, err));
    }
    const objects = (response.Contents ?? []).map((object): S3ObjectItem => ({
      Etag: object.ETag ?? '',
      Key: object.Key ?? '',
      LastModified: object.LastModified ? Math.floor(object.LastModified.getTime() / 1000) : 0,
      Size: object.Size ?? 0,
      StorageClass: object.StorageClass ?? 'STANDARD',
    }));
    yield objects;
    token = response.IsTruncated ? response.NextContinuationToken : undefined;
  } while (token && !page.full());
}
