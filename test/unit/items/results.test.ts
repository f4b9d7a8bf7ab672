import {
  childRecord,
  formatResults,
  manifestKey,
  mapRunIdOf,
  type MapRunChild,
  ResultFileBuilder,
  resultEntries,
  resultFileKey,
  resultFileStatus,
  resultWriterFormat,
} from '../../../engine/core/items';

const ARN = 'arn:aws:states:us-east-1:123456789012:mapRun:orders/Map:6dbfba93-bcff-410b-9b5c-abf41ae9eddb';
const succeeded: MapRunChild = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:orders/Map:c1',
  name: 'c1',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders/Map',
  status: 'SUCCEEDED',
  input: '{"id":1}',
  output: '[{"a":1},{"a":2}]',
  startDate: new Date('2025-02-04T01:49:50.099Z'),
  stopDate: '2025-02-04T01:49:50.163Z',
};
const failed: MapRunChild = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:orders/Map:c2',
  name: 'c2',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders/Map',
  status: 'TIMED_OUT',
  input: '{"id":2}',
  error: 'States.Timeout',
  cause: 'too slow',
  startDate: '2025-02-04T01:49:50.100Z',
  stopDate: '2025-02-04T01:50:50.100Z',
  redriveCount: 1,
};

describe('childRecord', () => {
  test("writes a succeeded child with AWS's fields, in AWS's order", () => {
    const record = childRecord(succeeded);
    expect([Object.keys(record), record]).toEqual([
      [
        'ExecutionArn',
        'Input',
        'InputDetails',
        'Name',
        'Output',
        'OutputDetails',
        'RedriveCount',
        'RedriveStatus',
        'RedriveStatusReason',
        'StartDate',
        'StateMachineArn',
        'Status',
        'StopDate',
      ],
      {
        ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:orders/Map:c1',
        Input: '{"id":1}',
        InputDetails: { Included: true },
        Name: 'c1',
        Output: '[{"a":1},{"a":2}]',
        OutputDetails: { Included: true },
        RedriveCount: 0,
        RedriveStatus: 'NOT_REDRIVABLE',
        RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
        StartDate: '2025-02-04T01:49:50.099Z',
        StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders/Map',
        Status: 'SUCCEEDED',
        StopDate: '2025-02-04T01:49:50.163Z',
      },
    ]);
  });

  test('writes a failed child with Error and Cause instead of Output', () => {
    expect(childRecord(failed)).toEqual({
      Cause: 'too slow',
      Error: 'States.Timeout',
      ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:orders/Map:c2',
      Input: '{"id":2}',
      InputDetails: { Included: true },
      Name: 'c2',
      RedriveCount: 1,
      RedriveStatus: 'REDRIVABLE_BY_MAP_RUN',
      StartDate: '2025-02-04T01:49:50.100Z',
      StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders/Map',
      Status: 'TIMED_OUT',
      StopDate: '2025-02-04T01:50:50.100Z',
    });
  });

  test('writes a never-started child with its input and status only', () => {
    expect(childRecord({ status: 'PENDING', input: '"x"' })).toEqual({
      Input: '"x"',
      InputDetails: { Included: true },
      Status: 'PENDING',
    });
  });
});

describe('resultEntries', () => {
  test('applies NONE, COMPACT and FLATTEN to a succeeded child', () => {
    expect([
      resultEntries(succeeded, 'NONE'),
      resultEntries(succeeded, 'COMPACT'),
      resultEntries(succeeded, 'FLATTEN'),
      resultEntries({ ...succeeded, output: '{"a":1}' }, 'FLATTEN'),
    ]).toEqual([[childRecord(succeeded)], [[{ a: 1 }, { a: 2 }]], [{ a: 1 }, { a: 2 }], [{ a: 1 }]]);
  });

  test('keeps a failed child unchanged whatever the transformation', () => {
    expect([resultEntries(failed, 'COMPACT'), resultEntries(failed, 'FLATTEN')]).toEqual([
      [childRecord(failed)],
      [childRecord(failed)],
    ]);
  });

  test('fails with States.ResultWriterFailed when a succeeded output is not JSON', () => {
    expect(() => resultEntries({ ...succeeded, output: '{' }, 'COMPACT')).toThrow(
      'States.ResultWriterFailed: The output of child execution arn:aws:states:us-east-1:123456789012:execution:orders/Map:c1 is not JSON',
    );
  });
});

describe('result file names and defaults', () => {
  test('puts files and manifest under <Prefix>/<mapRunId>/', () => {
    const id = mapRunIdOf(ARN);
    expect([
      id,
      resultFileKey('csvJobs', id, 'SUCCEEDED', 0, 'JSON'),
      resultFileKey('csvJobs/', id, 'FAILED', 2, 'JSONL'),
      resultFileKey('', id, 'PENDING', 0, 'JSON'),
      manifestKey('csvJobs', id),
    ]).toEqual([
      '6dbfba93-bcff-410b-9b5c-abf41ae9eddb',
      'csvJobs/6dbfba93-bcff-410b-9b5c-abf41ae9eddb/SUCCEEDED_0.json',
      'csvJobs/6dbfba93-bcff-410b-9b5c-abf41ae9eddb/FAILED_2.jsonl',
      '6dbfba93-bcff-410b-9b5c-abf41ae9eddb/PENDING_0.json',
      'csvJobs/6dbfba93-bcff-410b-9b5c-abf41ae9eddb/manifest.json',
    ]);
  });

  test('groups failed, timed-out and aborted children in FAILED', () => {
    expect((['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING'] as const).map(resultFileStatus)).toEqual([
      'SUCCEEDED',
      'FAILED',
      'FAILED',
      'FAILED',
      'PENDING',
    ]);
  });

  test('defaults Transformation to NONE with S3 and COMPACT without, OutputType to JSON', () => {
    expect([
      resultWriterFormat({ Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b' } }),
      resultWriterFormat({ WriterConfig: { OutputType: 'JSONL' } }),
      resultWriterFormat(undefined),
      resultWriterFormat({ Resource: 'arn:aws:states:::s3:putObject', WriterConfig: { Transformation: 'FLATTEN' } }),
    ]).toEqual([
      { transformation: 'NONE', outputType: 'JSON' },
      { transformation: 'COMPACT', outputType: 'JSONL' },
      { transformation: 'COMPACT', outputType: 'JSON' },
      { transformation: 'FLATTEN', outputType: 'JSON' },
    ]);
  });
});

describe('formatResults', () => {
  const scalar: MapRunChild = { ...succeeded, name: 'c3', input: '{"id":3}', output: '"x"' };
  const children = [succeeded, failed, scalar];
  const failedRecord = {
    Cause: 'too slow',
    Error: 'States.Timeout',
    ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:orders/Map:c2',
    Input: '{"id":2}',
    InputDetails: { Included: true },
    Name: 'c2',
    RedriveCount: 1,
    RedriveStatus: 'REDRIVABLE_BY_MAP_RUN',
    StartDate: '2025-02-04T01:49:50.100Z',
    StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders/Map',
    Status: 'TIMED_OUT',
    StopDate: '2025-02-04T01:50:50.100Z',
  };

  test('COMPACT gives each output in item order, a failed child its whole record', () => {
    expect(formatResults(children, { transformation: 'COMPACT', outputType: 'JSON' })).toEqual([
      [{ a: 1 }, { a: 2 }],
      failedRecord,
      'x',
    ]);
  });

  test('FLATTEN spreads an output array into one entry per element and keeps other outputs', () => {
    expect(formatResults(children, { transformation: 'FLATTEN', outputType: 'JSON' })).toEqual([
      { a: 1 },
      { a: 2 },
      failedRecord,
      'x',
    ]);
  });

  test('NONE gives every child its record with the workflow metadata', () => {
    expect(formatResults(children, { transformation: 'NONE', outputType: 'JSON' })).toEqual(children.map(childRecord));
    expect((formatResults([scalar], { transformation: 'NONE', outputType: 'JSON' }) as unknown[])[0]).toEqual({
      ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:orders/Map:c1',
      Input: '{"id":3}',
      InputDetails: { Included: true },
      Name: 'c3',
      Output: '"x"',
      OutputDetails: { Included: true },
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
      StartDate: '2025-02-04T01:49:50.099Z',
      StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders/Map',
      Status: 'SUCCEEDED',
      StopDate: '2025-02-04T01:49:50.163Z',
    });
  });

  test('JSONL gives one line of JSON text per entry, each ending with a newline', () => {
    expect(formatResults([succeeded, scalar], { transformation: 'FLATTEN', outputType: 'JSONL' })).toBe(
      '{"a":1}\n{"a":2}\n"x"\n',
    );
    expect(formatResults([], { transformation: 'COMPACT', outputType: 'JSONL' })).toBe('');
    expect(formatResults([], { transformation: 'COMPACT', outputType: 'JSON' })).toEqual([]);
  });
});

describe('ResultFileBuilder', () => {
  /** Files built from `entries` with a split at `max` bytes: [text, size][]. */
  function build(outputType: 'JSON' | 'JSONL', max: number, entries: string[]): [string, number][] {
    const builder = new ResultFileBuilder(outputType, max);
    const files: [string, number][] = [];
    let text = '';
    for (const entry of entries) {
      const bytes = new TextEncoder().encode(entry).length;
      if (builder.wouldSplit(bytes)) {
        const { tail, size } = builder.close();
        files.push([text + tail, size]);
        text = '';
      }
      builder.add(entry, bytes);
      text += builder.take();
    }
    const { tail, size } = builder.close();
    files.push([text + tail, size]);
    return files;
  }

  test('writes a JSON array and splits before a file would pass the bound', () => {
    // "[1,22" is 5 bytes, + "]" = 6 ≤ 7; adding ",333" would make 10 > 7.
    expect(build('JSON', 7, ['1', '22', '333', '4444', '5'])).toEqual([
      ['[1,22]', 6],
      ['[333]', 5],
      ['[4444]', 6],
      ['[5]', 3],
    ]);
  });

  test('writes JSON Lines with sizes in UTF-8 bytes', () => {
    expect(build('JSONL', 100, ['"é"', '{"a":1}'])).toEqual([['"é"\n{"a":1}\n', 13]]);
  });

  test('puts an entry larger than the bound alone in its file', () => {
    expect(build('JSONL', 4, ['"long entry"', '1'])).toEqual([
      ['"long entry"\n', 13],
      ['1\n', 2],
    ]);
  });
});
