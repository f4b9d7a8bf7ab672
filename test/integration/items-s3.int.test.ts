import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ItemReader } from '../../schemas/asl/map-fields';
import { StatesError } from '../../engine/core/errors';
import { childRecord, type MapRunChild, type ResultManifest } from '../../engine/core/items';
import { AwsClients } from '../../engine/resources/aws/clients';
import { readItemPages, readItems, writeResults } from '../../engine/resources/items';
import { startS3rver, type S3TestServer } from './support/s3-server';

/**
 * ItemReader and ResultWriter against a real S3-protocol server (s3rver, started here; this file
 * needs no Temporal stack). The S3 client comes from Stepflow's own factory configured the way a
 * deployment configures it: AWS_ENDPOINT_URL_S3, AWS_REGION, AWS credentials in the environment
 * and path-style addressing.
 */

let s3server: S3TestServer;
/** Names of the S3 commands sent, in order (counted by a middleware; the real server answers them). */
const sent: string[] = [];
let clients: AwsClients;
let s3: S3Client;
const BUCKET = 'items';
const OUT = 'results';
const N = 10_000;
const MAP_RUN_ARN = 'arn:aws:states:us-east-1:123456789012:mapRun:orders/Map:6dbfba93-bcff-410b-9b5c-abf41ae9eddb';
const RUN_ID = '6dbfba93-bcff-410b-9b5c-abf41ae9eddb';

/** The 10,000 records every format below encodes: values with commas, quotes and newlines. */
const rows = Array.from({ length: N }, (_, i) => ({
  id: String(i),
  name: i % 7 === 0 ? `Name, "${i}"\nline two` : `name-${i}`,
  score: (i * 1.5).toFixed(1),
}));
const csvField = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const csvText = `id,name,score\r\n${rows.map((r) => [r.id, r.name, r.score].map(csvField).join(',')).join('\r\n')}\r\n`;
const jsonItems = rows.map((r, i) => ({ ...r, n: i, tags: [i % 3, null, true] }));

async function put(key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

async function text(bucket: string, key: string): Promise<string> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return response.Body!.transformToString();
}

async function failureOf(run: () => Promise<unknown>): Promise<{ error: string; cause: string }> {
  try {
    await run();
  } catch (err) {
    if (err instanceof StatesError) return { error: err.error, cause: err.cause };
    throw err;
  }
  throw new Error('expected a StatesError');
}

const getObject = (config: ItemReader['ReaderConfig']): ItemReader => ({
  Resource: 'arn:aws:states:::s3:getObject',
  ReaderConfig: config,
});
const listObjects: ItemReader = { Resource: 'arn:aws:states:::s3:listObjectsV2' };

beforeAll(async () => {
  s3server = await startS3rver();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: s3server.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  });
  clients = new AwsClients({ s3ForcePathStyle: true });
  s3 = clients.s3();
  s3.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(context.commandName as string);
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandNames' },
  );
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new CreateBucketCommand({ Bucket: OUT }));
  await put('data/items.json', JSON.stringify({ meta: { count: N }, data: { items: jsonItems } }));
  await put('data/items-top.json', JSON.stringify(jsonItems));
  await put('data/items.jsonl', `${jsonItems.map((item) => JSON.stringify(item)).join('\n')}\n`);
  await put('data/items.csv', csvText);
  await put('data/items.psv', `a|b\n1|x\\|y\n`);
  for (const [i, part] of [[1, 2, 3], [4], [5, 6]].entries()) {
    await put(`parts/p${i}.jsonl`, part.map((n) => JSON.stringify({ n })).join('\n'));
  }
}, 120_000);

afterAll(async () => {
  clients?.destroy();
  await s3server?.stop();
});

describe('readItems: s3:getObject', () => {
  test('reads 10,000 items of a JSON array selected by ItemsPointer, and of a top-level array', async () => {
    const [nested, top] = await Promise.all([
      readItems(
        getObject({ InputType: 'JSON', ItemsPointer: '/data/items' }),
        { Bucket: BUCKET, Key: 'data/items.json' },
        { s3 },
      ),
      readItems(getObject({ InputType: 'JSON' }), { Bucket: BUCKET, Key: 'data/items-top.json' }, { s3 }),
    ]);
    expect([nested, top]).toEqual([jsonItems, jsonItems]);
  });

  test('streams 10,000 JSON Lines items in pages of 1,000', async () => {
    const pages: unknown[][] = [];
    for await (const page of readItemPages(
      getObject({ InputType: 'JSONL' }),
      { Bucket: BUCKET, Key: 'data/items.jsonl' },
      { s3 },
      { pageSize: 1000 },
    )) {
      pages.push(page);
    }
    expect([pages.map((page) => page.length), pages.flat()]).toEqual([Array(10).fill(1000), jsonItems]);
  });

  test('reads 10,000 CSV records keyed by the first row, quoted commas, quotes and newlines intact', async () => {
    const items = await readItems(
      getObject({ InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }),
      { Bucket: BUCKET, Key: 'data/items.csv' },
      { s3 },
    );
    expect(items).toEqual(rows);
  });

  test('reads CSV with given headers (the first row is data) and MaxItems', async () => {
    const items = await readItems(
      getObject({ InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['a', 'b', 'c'], MaxItems: 3 }),
      { Bucket: BUCKET, Key: 'data/items.csv' },
      { s3 },
    );
    expect(items).toEqual([
      { a: 'id', b: 'name', c: 'score' },
      { a: '0', b: 'Name, "0"\nline two', c: '0.0' },
      { a: '1', b: 'name-1', c: '1.5' },
    ]);
  });

  test('takes MaxItems from the caller (a resolved MaxItemsPath) over ReaderConfig', async () => {
    const items = await readItems(
      getObject({ InputType: 'JSONL', MaxItems: 5 }),
      { Bucket: BUCKET, Key: 'data/items.jsonl' },
      { s3 },
      { maxItems: 2 },
    );
    expect(items).toEqual(jsonItems.slice(0, 2));
  });

  test('reads a pipe-delimited file', async () => {
    expect(
      await readItems(
        getObject({ InputType: 'CSV', CSVDelimiter: 'PIPE' }),
        { Bucket: BUCKET, Key: 'data/items.psv' },
        { s3 },
      ),
    ).toEqual([{ a: '1', b: 'x|y' }]);
  });

  test('fails with States.ItemReaderFailed naming the object when it is missing, too large or bad', async () => {
    const missing = await failureOf(() =>
      readItems(getObject({ InputType: 'JSON' }), { Bucket: BUCKET, Key: 'data/missing.json' }, { s3 }),
    );
    const tooLarge = await failureOf(() =>
      readItems(
        getObject({ InputType: 'JSONL' }),
        { Bucket: BUCKET, Key: 'data/items.jsonl' },
        { s3, limits: { maxSourceBytes: 1000 } },
      ),
    );
    const notArray = await failureOf(() =>
      readItems(getObject({ InputType: 'JSON' }), { Bucket: BUCKET, Key: 'data/items.json' }, { s3 }),
    );
    const badArgs = await failureOf(() =>
      readItems(getObject({ InputType: 'JSON' }), { Bucket: BUCKET, Key: 'k', Prefix: 'p' }, { s3 }),
    );
    expect([
      missing.error,
      missing.cause.startsWith('S3 getObject of s3://items/data/missing.json failed: NoSuchKey (404): '),
      tooLarge,
      notArray,
      badArgs,
    ]).toEqual([
      'States.ItemReaderFailed',
      true,
      {
        error: 'States.ItemReaderFailed',
        cause: `s3://items/data/items.jsonl is larger than Stepflow's limit of 1000 bytes for an ItemReader source (${Buffer.byteLength(`${jsonItems.map((item) => JSON.stringify(item)).join('\n')}\n`)} bytes)`,
      },
      {
        error: 'States.ItemReaderFailed',
        cause:
          's3://items/data/items.json does not hold a JSON array; set ReaderConfig.ItemsPointer to the array inside it',
      },
      {
        error: 'States.ItemReaderFailed',
        cause:
          "The ItemReader's field 'Prefix' is not supported for s3:getObject; use Bucket, Key, VersionId, ExpectedBucketOwner",
      },
    ]);
  });
});

describe('readItems: s3:listObjectsV2', () => {
  const KEYS = 2_500;
  const keys = Array.from({ length: KEYS }, (_, i) => `objs/${String(i).padStart(5, '0')}.txt`);
  const body = (key: string) => `body of ${key}`;

  beforeAll(async () => {
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => put(key, body(key))));
    }
    await put('objsx/outside.txt', 'not under the prefix');
  }, 300_000);

  test('lists 2,500 objects through continuation tokens, each in AWS’s item shape', async () => {
    const before = Math.floor(Date.now() / 1000);
    sent.length = 0;
    const items = (await readItems(listObjects, { Bucket: BUCKET, Prefix: 'objs/' }, { s3 })) as Record<
      string,
      unknown
    >[];
    // 1,000 keys a page: three pages, the second and third through continuation tokens.
    expect(sent).toEqual(Array(3).fill('ListObjectsV2Command'));
    expect(items.map((item) => Object.keys(item))).toEqual(
      Array(KEYS).fill(['Etag', 'Key', 'LastModified', 'Size', 'StorageClass']),
    );
    expect(items.map(({ LastModified: _lastModified, ...rest }) => rest)).toEqual(
      keys.map((key) => ({
        Etag: `"${createHash('md5').update(body(key)).digest('hex')}"`,
        Key: key,
        Size: Buffer.byteLength(body(key)),
        StorageClass: 'STANDARD',
      })),
    );
    // Epoch seconds of the upload: within this test run, never in the future.
    expect(
      items.every((item) => Number.isInteger(item.LastModified) && (item.LastModified as number) <= before + 1),
    ).toBe(true);
  });

  test('stops at MaxItems across pages', async () => {
    sent.length = 0;
    const items = (await readItems(
      { ...listObjects, ReaderConfig: { MaxItems: 1_500 } },
      { Bucket: BUCKET, Prefix: 'objs/' },
      { s3 },
    )) as {
      Key: string;
    }[];
    expect([items.map((item) => item.Key), sent]).toEqual([
      keys.slice(0, 1_500),
      Array(2).fill('ListObjectsV2Command'),
    ]);
  });

  test('reads and flattens every listed object with LOAD_AND_FLATTEN', async () => {
    const items = await readItems(
      { ...listObjects, ReaderConfig: { InputType: 'JSONL', Transformation: 'LOAD_AND_FLATTEN', MaxItems: 5 } },
      { Bucket: BUCKET, Prefix: 'parts/' },
      { s3 },
    );
    expect(items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
  });

  test('fails with States.ItemReaderFailed naming the bucket when it does not exist', async () => {
    const failure = await failureOf(() => readItems(listObjects, { Bucket: 'no-such-bucket', Prefix: 'x/' }, { s3 }));
    expect([
      failure.error,
      failure.cause.startsWith('S3 listObjectsV2 of s3://no-such-bucket/x/ failed: NoSuchBucket (404): '),
    ]).toEqual(['States.ItemReaderFailed', true]);
  });
});

describe('writeResults', () => {
  const writer = { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: OUT, Prefix: 'csvJobs' } };

  /** 10,000 children: every 100th failed, the last 10 never started. */
  const children: MapRunChild[] = Array.from({ length: N }, (_, i): MapRunChild => {
    const base = {
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:orders/Map:child-${i}`,
      name: `child-${i}`,
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders/Map',
      input: JSON.stringify({ id: i }),
      startDate: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i % 1000)),
      stopDate: new Date(Date.UTC(2026, 0, 1, 0, 0, 1, i % 1000)),
    };
    if (i >= N - 10) return { status: 'PENDING', input: base.input };
    if (i % 100 === 99) return { ...base, status: 'FAILED', error: 'Boom', cause: `item ${i} failed` };
    return { ...base, status: 'SUCCEEDED', output: JSON.stringify([{ id: i }, { double: i * 2 }]) };
  });

  async function* stream(): AsyncGenerator<MapRunChild> {
    for (const child of children) yield child;
  }

  async function manifestAt(key: string): Promise<ResultManifest> {
    return JSON.parse(await text(OUT, key)) as ResultManifest;
  }

  async function sizeOf(key: string): Promise<number> {
    return (await s3.send(new HeadObjectCommand({ Bucket: OUT, Key: key }))).ContentLength!;
  }

  test('writes 10,000 records split into files, in multipart uploads, and a manifest that reads back exactly', async () => {
    sent.length = 0;
    const output = await writeResults(
      writer,
      writer.Parameters,
      { mapRunArn: MAP_RUN_ARN, children: stream() },
      {
        s3,
        maxFileBytes: 1_000_000,
        partBytes: 256 * 1024,
      },
    );
    expect(output).toEqual({
      MapRunArn: MAP_RUN_ARN,
      ResultWriterDetails: { Bucket: OUT, Key: `csvJobs/${RUN_ID}/manifest.json` },
    });
    const manifest = await manifestAt(output.ResultWriterDetails.Key);
    const succeededKeys = manifest.ResultFiles.SUCCEEDED.map((file) => file.Key);
    expect({ ...manifest, ResultFiles: { ...manifest.ResultFiles, SUCCEEDED: [] } }).toEqual({
      DestinationBucket: OUT,
      MapRunArn: MAP_RUN_ARN,
      ResultFiles: {
        FAILED: [{ Key: `csvJobs/${RUN_ID}/FAILED_0.json`, Size: await sizeOf(`csvJobs/${RUN_ID}/FAILED_0.json`) }],
        PENDING: [{ Key: `csvJobs/${RUN_ID}/PENDING_0.json`, Size: await sizeOf(`csvJobs/${RUN_ID}/PENDING_0.json`) }],
        SUCCEEDED: [],
      },
    });
    expect(succeededKeys).toEqual(succeededKeys.map((_, n) => `csvJobs/${RUN_ID}/SUCCEEDED_${n}.json`));
    const sizes = await Promise.all(succeededKeys.map(sizeOf));
    expect(manifest.ResultFiles.SUCCEEDED.map((file) => file.Size)).toEqual(sizes);
    expect([succeededKeys.length > 1, sizes.every((size) => size <= 1_000_000)]).toEqual([true, true]);

    const read = async (keys: string[]) =>
      (await Promise.all(keys.map(async (key) => JSON.parse(await text(OUT, key)) as unknown[]))).flat();
    expect(await read(succeededKeys)).toEqual(children.filter((c) => c.status === 'SUCCEEDED').map(childRecord));
    expect(await read([`csvJobs/${RUN_ID}/FAILED_0.json`])).toEqual(
      children.filter((c) => c.status === 'FAILED').map(childRecord),
    );
    expect(await read([`csvJobs/${RUN_ID}/PENDING_0.json`])).toEqual(
      children.slice(N - 10).map((c) => ({ Input: c.input, InputDetails: { Included: true }, Status: 'PENDING' })),
    );
    // Files over one part (256 KiB) went up in parts; every upload begun was completed.
    const count = (name: string) => sent.filter((command) => command === name).length;
    expect([
      count('CreateMultipartUploadCommand') === count('CompleteMultipartUploadCommand'),
      count('CreateMultipartUploadCommand') >= succeededKeys.length - 1,
      count('UploadPartCommand') > count('CreateMultipartUploadCommand'),
      count('AbortMultipartUploadCommand'),
    ]).toEqual([true, true, true, 0]);
  });

  test('writes FLATTEN as JSON Lines, failed children unchanged, and no file for an empty status', async () => {
    const few = [children[0], children[99], children[1]];
    const output = await writeResults(
      {
        ...writer,
        Parameters: { Bucket: OUT, Prefix: 'flat/' },
        WriterConfig: { OutputType: 'JSONL', Transformation: 'FLATTEN' },
      },
      { Bucket: OUT, Prefix: 'flat/' },
      { mapRunArn: MAP_RUN_ARN, children: few },
      { s3 },
    );
    const manifest = await manifestAt(output.ResultWriterDetails.Key);
    const succeeded = await text(OUT, `flat/${RUN_ID}/SUCCEEDED_0.jsonl`);
    const failed = await text(OUT, `flat/${RUN_ID}/FAILED_0.jsonl`);
    expect([manifest, succeeded, failed]).toEqual([
      {
        DestinationBucket: OUT,
        MapRunArn: MAP_RUN_ARN,
        ResultFiles: {
          FAILED: [{ Key: `flat/${RUN_ID}/FAILED_0.jsonl`, Size: Buffer.byteLength(failed) }],
          PENDING: [],
          SUCCEEDED: [{ Key: `flat/${RUN_ID}/SUCCEEDED_0.jsonl`, Size: Buffer.byteLength(succeeded) }],
        },
      },
      '{"id":0}\n{"double":0}\n{"id":1}\n{"double":2}\n',
      `${JSON.stringify(childRecord(children[99]))}\n`,
    ]);
  });

  test('fails with States.ResultWriterFailed naming the bucket and key when the bucket is missing', async () => {
    const failure = await failureOf(() =>
      writeResults(
        writer,
        { Bucket: 'no-such-bucket', Prefix: 'p' },
        { mapRunArn: MAP_RUN_ARN, children: children.slice(0, 1) },
        { s3 },
      ),
    );
    expect([
      failure.error,
      failure.cause.startsWith(
        `S3 putObject of s3://no-such-bucket/p/${RUN_ID}/SUCCEEDED_0.json failed: NoSuchBucket (404): `,
      ),
    ]).toEqual(['States.ResultWriterFailed', true]);
  });
});
