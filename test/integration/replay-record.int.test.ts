import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { replaySinks } from '../replay/sinks';
import { workflowBundlePath } from '../../engine/temporal/bundle-workflows';
import { call, createMachine, startExecution, uniqueName, waitForEnd } from './support/client';
import { readStack, ROOT } from './support/stack';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
/** Where the saga case's fixture functions write. */
const SAGA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'stepflow-replay-saga-'));
/** Machines a case starts as nested executions, created (idempotently) under these exact names. */
const CHILD_MACHINES: Record<string, unknown> = {
  'replay-child-add': { StartAt: 'Add', States: { Add: { Type: 'Task', Resource: fn('add'), End: true } } },
  'replay-child-wait': { StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 300, End: true } } },
};
const CHILD_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:replay-child-add';

/** A saga step whose `Compensate` calls `saga-undo` (see the fixture functions). */
const sagaStep = (step: string, next?: string, fail = false) => ({
  Type: 'Task',
  Resource: fn('saga-step'),
  Parameters: { 'dir.$': '$.dir', step, ...(fail ? { fail: true } : {}) },
  ResultPath: `$.${step}`,
  Compensate: {
    Resource: fn('saga-undo'),
    Parameters: { 'dir.$': '$.input.dir', step, 'id.$': '$.result.id' },
    Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }],
  },
  ...(next ? { Next: next } : { End: true }),
});

/** Pass → Choice → Pass … until `$.stop` exists (never). */
const TIGHT_LOOP = {
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Next: 'B' },
    B: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'A' },
    Done: { Type: 'Succeed' },
  },
};

/** Machines whose histories the replay suite keeps (one per workflow code path of the slice). */
const CASES: Record<string, { definition: unknown; input: unknown }> = {
  'saga-compensates': {
    definition: {
      StartAt: 'one',
      States: { one: sagaStep('one', 'two'), two: sagaStep('two', 'three'), three: sagaStep('three', undefined, true) },
    },
    input: { dir: SAGA_DIR },
  },
  'nested-executions': {
    definition: {
      StartAt: 'Sync',
      States: {
        Sync: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: CHILD_ARN, Input: { a: 1, b: 2 } },
          ResultSelector: { 'sum.$': '$.Output.sum' },
          Next: 'Fire',
        },
        Fire: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution',
          Parameters: { StateMachineArn: CHILD_ARN, Input: { a: 3, b: 4 } },
          End: true,
        },
      },
    },
    input: {},
  },
  'nested-sync-timeout-stops-child': {
    definition: {
      StartAt: 'Sync',
      States: {
        Sync: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync',
          Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:replay-child-wait' },
          TimeoutSeconds: 1,
          Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Late' }],
          End: true,
        },
        Late: { Type: 'Pass', End: true },
      },
    },
    input: {},
  },
  'slice-succeeds': {
    definition: {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: { a: 1, b: 2 }, ResultPath: '$.numbers', Next: 'Add' },
        Add: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'add', 'Payload.$': '$.numbers' },
          OutputPath: '$.Payload',
          Next: 'Wait',
        },
        Wait: { Type: 'Wait', Seconds: 1, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    },
    input: { order: 1 },
  },
  'task-fails-retried-caught': {
    definition: {
      StartAt: 'Boom',
      States: {
        Boom: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:boom',
          Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 1, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Pass', End: true },
      },
    },
    input: {},
  },
  'parallel-and-map': {
    definition: {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Sum',
              States: {
                Sum: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:add', End: true },
              },
            },
            {
              StartAt: 'Each',
              States: {
                Each: {
                  Type: 'Map',
                  ItemsPath: '$.items',
                  MaxConcurrency: 2,
                  ItemSelector: { 'a.$': '$$.Map.Item.Value', b: 1 },
                  ItemProcessor: {
                    StartAt: 'Add',
                    States: {
                      Add: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:add', End: true },
                    },
                  },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
    },
    input: { a: 1, b: 2, items: [1, 2, 3] },
  },
  'parallel-branch-fails-sibling-cancelled': {
    definition: {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Slow',
              States: {
                Slow: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:sleep', End: true },
              },
            },
            {
              StartAt: 'Pause',
              States: { Pause: { Type: 'Wait', Seconds: 1, Next: 'Bad' }, Bad: { Type: 'Fail', Error: 'Broken' } },
            },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    },
    input: { ms: 30000 },
  },
  'execution-times-out': {
    definition: { TimeoutSeconds: 1, StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 30, End: true } } },
    input: {},
  },
  'activity-task-times-out': {
    definition: {
      StartAt: 'Review',
      States: {
        Review: {
          Type: 'Task',
          Resource: 'arn:aws:states:us-east-1:000000000000:activity:replay-nobody-polls',
          TimeoutSeconds: 1,
          Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Late' }],
          End: true,
        },
        Late: { Type: 'Pass', End: true },
      },
    },
    input: { doc: 1 },
  },
  'jsonata-map-and-variables': {
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Assign: { offset: 10 }, Next: 'Each' },
        Each: {
          Type: 'Map',
          Items: '{% $states.input.numbers %}',
          ItemSelector: { a: '{% $states.context.Map.Item.Value %}', b: '{% $offset %}' },
          ItemProcessor: {
            StartAt: 'Add',
            States: {
              Add: {
                Type: 'Task',
                Resource: 'arn:aws:lambda:us-east-1:000000000000:function:add',
                Arguments: '{% $states.input %}',
                Output: '{% $states.result.sum %}',
                End: true,
              },
            },
          },
          Assign: { total: '{% $sum($states.result) %}' },
          Output: '{% $total %}',
          End: true,
        },
      },
    },
    input: { numbers: [1, 2] },
  },
  'local-bookkeeping-loop-and-payload': {
    definition: {
      StartAt: 'Count',
      States: {
        Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)', 'blob.$': '$.blob' }, Next: 'Again' },
        Again: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 300, Next: 'Count' }], Default: 'Echo' },
        Echo: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:echo', Next: 'Pause' },
        Pause: { Type: 'Wait', Seconds: 1, End: true },
      },
    },
    input: { n: 0, blob: 'x'.repeat(150 * 1024) },
  },
  // BULK_HISTORY (host): a tight loop's writes every 8,000 events and its timer yields, then a timeout.
  'host-bulk-loop-times-out': { definition: { ...TIGHT_LOOP, TimeoutSeconds: 3 }, input: {} },
  // BULK_HISTORY (host): a large payload written before its Task and before a Wait, then the one-statement close.
  'host-bulk-payload': {
    definition: {
      StartAt: 'Carry',
      States: {
        Carry: { Type: 'Pass', Next: 'Echo' },
        Echo: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:echo', Next: 'Pause' },
        Pause: { Type: 'Wait', Seconds: 1, End: true },
      },
    },
    input: { blob: 'x'.repeat(150 * 1024) },
  },
  'consolidated-patches': {
    definition: {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: { a: 1, b: 2 }, ResultPath: '$.numbers', Next: 'Add' },
        Add: { Type: 'Task', Resource: fn('add'), InputPath: '$.numbers', ResultPath: '$.sum', Next: 'Both' },
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Again',
              States: { Again: { Type: 'Task', Resource: fn('add'), Parameters: { a: 3, b: 4 }, End: true } },
            },
            { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 1, End: true } } },
          ],
          ResultPath: '$.both',
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    },
    input: {},
  },
  'function-host-tasks': {
    definition: {
      StartAt: 'Add',
      States: {
        Add: { Type: 'Task', Resource: fn('add'), ResultPath: '$.sum', Next: 'Invoke' },
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'add', Payload: { a: 3, b: 4 } },
          ResultSelector: { 'sum.$': '$.Payload.sum' },
          ResultPath: '$.invoked',
          Next: 'Boom',
        },
        Boom: {
          Type: 'Task',
          Resource: fn('boom'),
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Done' }],
          End: true,
        },
        Done: { Type: 'Pass', End: true },
      },
    },
    input: { a: 1, b: 2 },
  },
  'task-fails': {
    definition: {
      StartAt: 'Boom',
      States: { Boom: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:boom', End: true } },
    },
    input: {},
  },
  // resources-v1: an unbound resource fails the execution in the workflow with States.Runtime
  // naming the resource and how to bind it.
  'resources-unbound-fails': {
    definition: {
      StartAt: 'Unbound',
      States: { Unbound: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun', End: true } },
    },
    input: {},
  },
  // resources-v1: a FUNCTIONS_DIR function as before, then an HTTP Task in the function host's
  // resource activity, whose loopback endpoint the egress guard refuses (States.Runtime).
  'resources-http-task-refused': {
    definition: {
      StartAt: 'Add',
      States: {
        Add: { Type: 'Task', Resource: fn('add'), ResultPath: '$.sum', Next: 'Http' },
        Http: {
          Type: 'Task',
          Resource: 'arn:aws:states:::http:invoke',
          Parameters: { ApiEndpoint: 'http://127.0.0.1:9/never', Method: 'GET' },
          End: true,
        },
      },
    },
    input: { a: 1, b: 2 },
  },
  // A tight Pass/Choice loop yields (1 ms timers) until its TimeoutSeconds fires.
  'sync-loop-yields-and-times-out': { definition: { ...TIGHT_LOOP, TimeoutSeconds: 2 }, input: {} },
  // Past MaxHistoryEvents the execution fails with States.Runtime.
  'history-cap-fails': { definition: { ...TIGHT_LOOP, MaxHistoryEvents: 2500 }, input: {} },
  // Every state gets a trace span (state-spans patch): nested states under their Parallel or Map.
  'state-spans-parallel-map': {
    definition: {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Each',
              States: {
                Each: {
                  Type: 'Map',
                  ItemsPath: '$.items',
                  ItemProcessor: { StartAt: 'Twice', States: { Twice: { Type: 'Pass', End: true } } },
                  End: true,
                },
              },
            },
            {
              StartAt: 'Pick',
              States: {
                Pick: {
                  Type: 'Choice',
                  Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'Greet' }],
                  Default: 'Stop',
                },
                Greet: { Type: 'Task', Resource: fn('echo'), End: true },
                Stop: { Type: 'Fail', Error: 'Never' },
              },
            },
          ],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    },
    input: { go: true, name: 'Ada', items: [1, 2, 3] },
  },
  // A Distributed Map as a Map Run workflow whose children are executions (distributed-map-run-v1).
  'distributed-map-run': {
    definition: {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemBatcher: { MaxItemsPerBatch: 2 },
          MaxConcurrency: 2,
          ToleratedFailureCount: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Check',
            States: {
              Check: {
                Type: 'Choice',
                Choices: [{ Variable: '$.Items[0]', NumericEquals: 4, Next: 'Bad' }],
                Default: 'Add',
              },
              Bad: { Type: 'Fail', Error: 'Bad', Cause: 'item 4' },
              Add: { Type: 'Task', Resource: fn('add'), Parameters: { 'a.$': '$.Items[0]', b: 1 }, End: true },
            },
          },
          End: true,
        },
      },
    },
    input: [1, 2, 3, 4, 5, 6],
  },
  // A Distributed Map over 40,001 items, past the inline cap (distributed-map-uncapped-v1), in
  // batches of 10,000: five child executions.
  'distributed-map-uncapped': {
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          Items: '{% [1..$states.input.n] %}',
          ItemBatcher: { MaxItemsPerBatch: 10000 },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Count',
            States: { Count: { Type: 'Pass', Output: '{% $count($states.input.Items) %}', End: true } },
          },
          Output: '{% $sum($states.result) %}',
          End: true,
        },
      },
    },
    input: { n: 40001 },
  },
  // ItemReader and an S3 ResultWriter (distributed-map-s3-v1) on a stack without S3: the reader's
  // materialize activity and the writer's collect activity fail with States.ItemReaderFailed /
  // States.ResultWriterFailed, each caught.
  'distributed-map-s3': {
    definition: {
      StartAt: 'Read',
      States: {
        Read: {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'CSV', MaxItemsPath: '$.max' },
            Parameters: { Bucket: 'items', 'Key.$': '$.key' },
          },
          ItemSelector: { 'v.$': '$$.Map.Item.Value' },
          ItemBatcher: { MaxItemsPerBatch: 2 },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'P',
            States: { P: { Type: 'Pass', End: true } },
          },
          Catch: [{ ErrorEquals: ['States.ItemReaderFailed'], ResultPath: '$.read', Next: 'Write' }],
          Next: 'Write',
        },
        Write: {
          Type: 'Map',
          ItemsPath: '$.items',
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'p' } },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Q',
            States: { Q: { Type: 'Pass', End: true } },
          },
          Catch: [{ ErrorEquals: ['States.ResultWriterFailed'], ResultPath: '$.write', Next: 'Done' }],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    },
    input: { key: 'items.csv', max: 10, items: [1, 2] },
  },
  // A ResultWriter with only WriterConfig (mapdetails-writer-config-v1): the Map's result is the
  // children's results flattened, a failed child (tolerated) as its whole record.
  'mapdetails-writer-config': {
    definition: {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemsPath: '$.items',
          ToleratedFailureCount: 1,
          ResultWriter: { WriterConfig: { Transformation: 'FLATTEN' } },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Check',
            States: {
              Check: { Type: 'Choice', Choices: [{ Variable: '$.bad', IsPresent: true, Next: 'Bad' }], Default: 'P' },
              Bad: { Type: 'Fail', Error: 'Bad', Cause: 'bad item' },
              P: { Type: 'Pass', OutputPath: '$.v', End: true },
            },
          },
          End: true,
        },
      },
    },
    input: { items: [{ v: [1, 2] }, { v: 3 }, { bad: true }] },
  },
  // 1,100 iterations ask for more lanes than the branch budget (bounded-branches patch).
  'map-past-branch-budget': {
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Items: '{% [1..1100] %}',
          MaxConcurrency: 0,
          ItemProcessor: {
            StartAt: 'Add',
            States: { Add: { Type: 'Pass', Output: { a: '{% $states.input %}', b: 1 }, End: true } },
          },
          Output: '{% $count($states.result) %}',
          End: true,
        },
      },
    },
    input: {},
  },
  // 300 Task iterations at once ask for more than ACTIVATION_BUDGET lanes: the execution is paced
  // (scale-paced-activations-v1): 50 states or completions per workflow task, 1 ms timers between.
  'scale-paced-map': {
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 0,
          ItemProcessor: {
            StartAt: 'Add',
            States: {
              Add: {
                Type: 'Task',
                Resource: 'arn:aws:lambda:us-east-1:000000000000:function:add',
                Parameters: { 'a.$': '$', b: 1 },
                OutputPath: '$.sum',
                End: true,
              },
            },
          },
          End: true,
        },
      },
    },
    input: { items: Array.from({ length: 300 }, (_, i) => i) },
  },
};

// Executions started with their features (ExecutionWorkflowInput.features: no patch marker): the
// machines of 'consolidated-patches' and 'distributed-map-run' again, recorded under that start.
CASES['execution-features'] = CASES['consolidated-patches'];
CASES['distributed-map-features'] = CASES['distributed-map-run'];
// Workflows started by a deployment that exports no span (SPANS_HEADER false: the sandbox loads
// no OpenTelemetry and carries the start's trace context on): the same machines, and a saga.
CASES['unexported-spans-parallel-map'] = CASES['state-spans-parallel-map'];
CASES['unexported-spans-map-run'] = CASES['distributed-map-run'];
CASES['unexported-spans-saga'] = CASES['saga-compensates'];
// A Map Run whose results cannot be written fails as a Map Run (map-run-results-fail-run-v1):
// the machine of 'distributed-map-s3', whose writer fails on this stack without S3.
CASES['map-run-results-fail-run'] = CASES['distributed-map-s3'];

/**
 * Cases whose Map Run workflow (id = the Map Run ARN) and first child execution are recorded too,
 * as `<case>-map-run` and `<case>-child`: each is a workflow code path of its own.
 */
const MAP_RUN_CASES = new Set(['distributed-map-run', 'distributed-map-features', 'unexported-spans-map-run']);

/** The Map Run ARN and a child execution id of a Distributed Map's execution (through the API). */
async function mapRunWorkflows(executionId: string): Promise<string[]> {
  const runs = await call('GET', `/v1/executions/${encodeURIComponent(executionId)}/map-runs`);
  const mapRunArn: string = runs.body.mapRuns[0].mapRunArn;
  const children = await call('GET', `/v1/executions?mapRunArn=${encodeURIComponent(mapRunArn)}&limit=1`);
  return [mapRunArn, children.body.executions[0].executionId];
}

/** Replays a workflow's history through the current bundle and, when asked, records it (new cases only). */
async function recordHistory(client: Client, name: string, workflowId: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const result = await Worker.runReplayHistory(
    { workflowBundle: { codePath: workflowBundlePath() }, sinks: replaySinks() },
    history,
    workflowId,
  );
  expect(result).toBeUndefined();
  // Histories recorded by earlier versions are kept (they guard old executions); only new
  // cases are written, unless RECORD_HISTORIES=all.
  const file = path.join(ROOT, 'test', 'replay', 'histories', `${name}.history.bin`);
  if (process.env.RECORD_HISTORIES === 'all' || (process.env.RECORD_HISTORIES && !fs.existsSync(file))) {
    fs.writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
  }
}

describe('workflow histories', () => {
  test('replay through the current workflow bundle when recorded from real executions', async () => {
    const stack = readStack();
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection, namespace: stack.namespace });
    try {
      for (const [name, definition] of Object.entries(CHILD_MACHINES)) await createMachine(name, definition);
      // RECORD_ONLY=<case>,<case>: run only those cases (recording new ones on a busy machine).
      const only = process.env.RECORD_ONLY?.split(',');
      for (const [name, { definition, input }] of Object.entries(CASES)) {
        if (only && !only.includes(name)) continue;
        const machine = uniqueName(name);
        await createMachine(machine, definition);
        const id = await startExecution(machine, input);
        await waitForEnd(id);
        // The execution's status is written inside the workflow's last task: wait for the workflow
        // itself to close, or the history may end before that task completes.
        // (A run that closes failed or terminated rejects once it has closed: closed is all this needs.)
        await client.workflow
          .getHandle(id)
          .result()
          .catch(() => undefined);
        const workflows: Array<[string, string]> = [[name, id]];
        if (MAP_RUN_CASES.has(name)) {
          const [mapRun, child] = await mapRunWorkflows(id);
          workflows.push([`${name}-map-run`, mapRun], [`${name}-child`, child]);
        }
        for (const [file, workflowId] of workflows) await recordHistory(client, file, workflowId);
      }
    } finally {
      await connection.close();
    }
    // One execution per case, one after another: more than the default on a loaded machine.
  }, 300_000);
});
