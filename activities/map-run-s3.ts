import { ApplicationFailure, Context } from '@temporalio/activity';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Pool } from 'pg';
import { stateMachineArn } from '../engine/core/arn';
import { StatesError } from '../engine/core/errors';
import {
  formatResults,
  itemReaderFailed,
  resultWriterFailed,
  type MapRunChild,
  type MapRunChildStatus,
  type ResultWriterFormat,
  type ResultWriterOutput,
} from '../engine/core/items';
import { parseMapRunArn, type MapResultWriter, type MapRunRequest } from '../engine/core/interpreter/map-run';
import { ItemBatches, selectItem } from '../engine/core/interpreter/states/map-items';
import { withTransaction } from '../engine/db/pool';
import {
  failMapRunResults,
  findMapRun,
  insertMapRun,
  insertMapRunItems,
  mapRunChildRecords,
  setMapRunCounts,
  setMapRunResultsWritten,
  type MapRunChildRecord,
} from '../engine/db/map-runs-repo';
import type { Logger } from '../engine/logger';
import { readItemPages, writeResults } from '../engine/resources/items';
import { PLAN_VERSION, type Plan } from '../schemas/plan';

/** What a Map Run's ItemReader and ResultWriter need: the database and the S3 client (absent: S3 is not configured). */
export interface MapRunS3Deps {
  pool: Pool;
  log: Logger;
  s3?: () => S3Client;
}

/** Children read from the store per query while the results are written. */
const RECORDS_PER_QUERY = 1_000;

/** The clock and randomness an `ItemSelector` sees outside the workflow (`$now`, `$uuid`, `States.UUID`). */
const ACTIVITY_HOST = { now: () => Date.now(), random: () => Math.random() };

/**
 * The S3 client, once the SDK could resolve a region and credentials from the environment;
 * otherwise `failed` (States.ItemReaderFailed / States.ResultWriterFailed) says how to configure it.
 */
async function configuredS3(deps: MapRunS3Deps, failed: (cause: string) => StatesError): Promise<S3Client> {
  const advice =
    'set AWS_REGION and AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile or a role) and, for an S3-compatible server, AWS_ENDPOINT_URL_S3';
  if (!deps.s3) throw failed(`S3 is not configured for this deployment: ${advice}`);
  const client = deps.s3();
  try {
    await client.config.region();
    await client.config.credentials();
  } catch (err) {
    throw failed(
      `S3 is not configured for this deployment (${err instanceof Error ? err.message : String(err)}): ${advice}`,
    );
  }
  return client;
}

/** A StatesError crosses the activity boundary as a non-retryable ApplicationFailure typed with its ASL error. */
async function asApplicationFailure<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof StatesError) {
      throw ApplicationFailure.create({ type: err.error, message: err.cause, nonRetryable: true });
    }
    throw err;
  }
}

/**
 * The row of a new Map Run: its settings from the Map state's request, its children's inputs
 * (`inputs`) and how many items each holds (`sizes`).
 */
export function newMapRun(
  input: { parentExecutionId: string; parentRedriveCount: number; request: MapRunRequest },
  inputs: unknown[],
  sizes: number[],
): Parameters<typeof insertMapRun>[1] {
  const { request } = input;
  return {
    mapRunArn: request.mapRunArn,
    executionId: input.parentExecutionId,
    stateName: request.stateName,
    label: request.label,
    executionType: request.executionType,
    maxConcurrency: request.maxConcurrency,
    toleratedFailureCount: request.toleratedFailureCount ?? 0,
    toleratedFailurePercentage: request.toleratedFailurePercentage ?? 0,
    plan: { planVersion: PLAN_VERSION, definition: request.processor as Plan['definition'] },
    parentRedriveCount: input.parentRedriveCount,
    inputs,
    sizes,
  };
}

/**
 * Stores a new Map Run whose items an `ItemReader` reads from S3: the object (or listing) is
 * read page by page, each item shaped as the Map state said (`ItemSelector`, then
 * `ItemBatcher`) and stored as it comes, in one transaction (a failed read stores nothing), so
 * no more than a page of items is held at once. Returns the number of children; a Map Run
 * already stored (a retried activity) is not read again.
 */
export async function readMapRunItems(
  deps: MapRunS3Deps,
  input: { parentExecutionId: string; parentRedriveCount: number; request: MapRunRequest },
): Promise<number> {
  const { request, parentExecutionId } = input;
  const source = request.itemReader;
  if (!source) throw new Error('readMapRunItems needs an ItemReader');
  return asApplicationFailure(async () => {
    const s3 = await configuredS3(deps, itemReaderFailed);
    const stored = await findMapRun(deps.pool, request.mapRunArn);
    if (stored) return stored.childCount;
    const signal = Context.current().cancellationSignal;
    const counts = await withTransaction(deps.pool, async (db) => {
      await insertMapRun(db, newMapRun(input, [], []));
      const { shaping } = source;
      const batcher = shaping.batcher ? new ItemBatches(shaping.batcher) : undefined;
      let items = 0;
      let children = 0;
      const store = async (inputs: unknown[]) => {
        if (inputs.length === 0) return;
        const sizes = inputs.map((child) => (batcher ? (child as { Items: unknown[] }).Items.length : 1));
        await insertMapRunItems(db, request.mapRunArn, children, inputs, sizes);
        children += inputs.length;
      };
      const pages = readItemPages(source.reader, source.arguments, { s3, signal }, { maxItems: source.maxItems ?? 0 });
      for await (const page of pages) {
        const selected: unknown[] = [];
        for (const item of page) selected.push(await selectItem(shaping, item, items++, ACTIVITY_HOST));
        await store(batcher ? selected.flatMap((item) => batcher.add(item)) : selected);
      }
      if (batcher) await store(batcher.end());
      await setMapRunCounts(db, request.mapRunArn, { itemCount: items, childCount: children });
      return { items, children };
    });
    deps.log.info(
      { executionId: parentExecutionId, mapRunArn: request.mapRunArn, items: counts.items, children: counts.children },
      'map run items read',
    );
    return counts.children;
  });
}

/** A stored child's status as a result file has it: a child never started is `PENDING`. */
function childStatus(status: string | null): MapRunChildStatus {
  if (status === null) return 'PENDING';
  if (status === 'SUCCEEDED' || status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED') return status;
  // Still RUNNING once the Map Run ended: it was stopped with it.
  return 'ABORTED';
}

/**
 * A Map Run's children in item order, each item's latest execution as a result record needs it
 * (never started: `PENDING`), read from the store a page at a time; `seen` sees each stored row.
 */
async function* mapRunChildren(
  pool: Pool,
  mapRunArn: string,
  seen?: (row: MapRunChildRecord) => void,
): AsyncGenerator<MapRunChild> {
  const arn = parseMapRunArn(mapRunArn);
  if (!arn) throw new Error(`not a Map Run ARN: ${mapRunArn}`);
  const machineArn = stateMachineArn(`${arn.stateMachine}/${arn.label}`);
  const child = (row: MapRunChildRecord): MapRunChild => ({
    status: childStatus(row.status),
    input: row.item,
    ...(row.executionId
      ? { executionArn: `arn:aws:states:${arn.region}:${arn.account}:execution:${row.executionId}` }
      : {}),
    ...(row.name ? { name: row.name } : {}),
    ...(row.status ? { stateMachineArn: machineArn } : {}),
    ...(row.output !== null ? { output: row.output } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.cause !== null ? { cause: row.cause } : {}),
    ...(row.startDate ? { startDate: row.startDate } : {}),
    ...(row.stopDate ? { stopDate: row.stopDate } : {}),
    ...(row.redriveCount !== null ? { redriveCount: row.redriveCount } : {}),
  });
  for (let from = 0; ;) {
    const rows = await mapRunChildRecords(pool, mapRunArn, from, RECORDS_PER_QUERY);
    for (const row of rows) {
      seen?.(row);
      yield child(row);
    }
    if (rows.length < RECORDS_PER_QUERY) return;
    from = rows[rows.length - 1]!.index + 1;
  }
}

/**
 * The result of a Map Run whose `ResultWriter` has only `WriterConfig`: its children's results in
 * item order with the writer's `Transformation` and `OutputType` applied (`formatResults`), the
 * same entries an S3 result file would hold. A child's output that is not JSON fails the state
 * with `States.ResultWriterFailed`.
 */
export async function formattedMapRunResults(
  deps: MapRunS3Deps,
  mapRunArn: string,
  format: ResultWriterFormat,
): Promise<unknown> {
  return asApplicationFailure(async () => {
    const children: MapRunChild[] = [];
    for await (const child of mapRunChildren(deps.pool, mapRunArn)) children.push(child);
    return formatResults(children, format);
  });
}

/**
 * Writes a Map Run's results with its `ResultWriter` (manifest and SUCCEEDED / FAILED / PENDING
 * files, see engine/resources/items): the children are read from the store a page at a time and
 * streamed out. Once the manifest is written, the Map Run records how many results it wrote
 * (DescribeMapRun `resultsWritten`): the children that ran, succeeded or not, and the items they
 * hold — an item never started (`PENDING_n`) has no result. Returns the state's result
 * `{MapRunArn, ResultWriterDetails: {Bucket, Key}}`.
 */
export async function writeMapRunResults(
  deps: MapRunS3Deps,
  input: { mapRunArn: string; resultWriter: MapResultWriter },
): Promise<ResultWriterOutput> {
  const { mapRunArn } = input;
  return asApplicationFailure(async () => {
    try {
      const s3 = await configuredS3(deps, resultWriterFailed);
      const run = await findMapRun(deps.pool, mapRunArn);
      if (!run) throw new Error(`Map Run '${mapRunArn}' is not stored`);
      const written = { children: 0, items: 0 };
      const children = mapRunChildren(deps.pool, mapRunArn, (row) => {
        if (row.status === null) return;
        written.children += 1;
        written.items += row.size;
      });
      const output = await writeResults(
        input.resultWriter.writer,
        input.resultWriter.arguments,
        { mapRunArn, children },
        { s3, signal: Context.current().cancellationSignal },
      );
      await setMapRunResultsWritten(deps.pool, mapRunArn, written);
      deps.log.info(
        { executionId: run.executionId, mapRunArn, key: output.ResultWriterDetails.Key, results: written.children },
        'map run results written',
      );
      return output;
    } catch (err) {
      // The Map Run's children are done; only its results are missing: a redrive writes them.
      if (err instanceof StatesError) await failMapRunResults(deps.pool, mapRunArn, err);
      throw err;
    }
  });
}
