import { runExecution, type ExecutionInfo, type TopLevelMachine } from '../../engine/core/interpreter';
import type { MapRunRequest } from '../../engine/core/interpreter/map-run';
import { MemoryHost } from '../../engine/core/interpreter/memory-host';
import type { MapRunHost } from '../../engine/core/interpreter/types';

const EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:000000000000:execution:writer:w1',
  name: 'w1',
  stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:writer',
  stateMachineName: 'writer',
  roleArn: 'arn:aws:iam::000000000000:role/stepflow',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};

/**
 * A host that runs Distributed Maps as Map Runs and answers `writerConfig` as told (undefined:
 * a host without the question); keeps the requests and how often it was asked.
 */
function withMapRuns(host: MemoryHost, writerConfig: boolean | undefined) {
  const seen = { requests: [] as MapRunRequest[], asked: 0 };
  const mapRuns: MapRunHost = {
    enabled: () => true,
    ...(writerConfig === undefined
      ? {}
      : {
          writerConfig: () => {
            seen.asked += 1;
            return writerConfig;
          },
        }),
    start: (request) => {
      seen.requests.push(request);
      return Promise.resolve({ mapRunArn: request.mapRunArn, redriven: false });
    },
    wait: () => Promise.resolve({ status: 'SUCCEEDED', results: ['as the host collected them'] }),
  };
  (host as { mapRuns?: MapRunHost }).mapRuns = mapRuns;
  return seen;
}

function distributedMap(resultWriter?: unknown): TopLevelMachine {
  return {
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'P',
          States: { P: { Type: 'Pass', End: true } },
        },
        ...(resultWriter === undefined ? {} : { ResultWriter: resultWriter }),
        End: true,
      },
    },
  } as unknown as TopLevelMachine;
}

async function requestOf(machine: TopLevelMachine, writerConfig: boolean | undefined) {
  const host = new MemoryHost({});
  const seen = withMapRuns(host, writerConfig);
  const { outcome } = await runExecution(machine, { items: [1, 2] }, EXECUTION, host, {});
  return { outcome, request: seen.requests[0], asked: seen.asked };
}

describe('Distributed Map ResultWriter with only WriterConfig', () => {
  test('asks the Map Run for the writer format when the host applies it', async () => {
    const { outcome, request, asked } = await requestOf(
      distributedMap({ WriterConfig: { Transformation: 'FLATTEN', OutputType: 'JSONL' } }),
      true,
    );
    expect(outcome).toEqual({ status: 'SUCCEEDED', output: ['as the host collected them'] });
    expect([request.resultFormat, request.resultWriter, asked]).toEqual([
      { transformation: 'FLATTEN', outputType: 'JSONL' },
      undefined,
      1,
    ]);
  });

  test('defaults Transformation to COMPACT and OutputType to JSON when WriterConfig leaves them out', async () => {
    const { request } = await requestOf(distributedMap({ WriterConfig: {} }), true);
    expect(request.resultFormat).toEqual({ transformation: 'COMPACT', outputType: 'JSON' });
  });

  test('asks nothing of an execution recorded when the writer was ignored', async () => {
    const recorded = await requestOf(distributedMap({ WriterConfig: { Transformation: 'NONE' } }), false);
    expect([recorded.request.resultFormat, recorded.asked]).toEqual([undefined, 1]);
    const older = await requestOf(distributedMap({ WriterConfig: { Transformation: 'NONE' } }), undefined);
    expect(older.request.resultFormat).toBeUndefined();
  });

  test('never asks the host when the Map has no ResultWriter or writes to S3', async () => {
    const none = await requestOf(distributedMap(), true);
    expect([none.request.resultFormat, none.asked]).toEqual([undefined, 0]);
    const toS3 = await requestOf(
      distributedMap({
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { Bucket: 'b' },
        WriterConfig: { Transformation: 'FLATTEN' },
      }),
      true,
    );
    expect([toS3.request.resultFormat, toS3.asked]).toEqual([undefined, 0]);
  });
});
