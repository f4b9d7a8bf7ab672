import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundlePath } from '../../engine/temporal/bundle-workflows';
import { createMachine, startExecution, uniqueName, waitForEnd } from './support/client';
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
  // A tight Pass/Choice loop yields (1 ms timers) until its TimeoutSeconds fires.
  'sync-loop-yields-and-times-out': { definition: { ...TIGHT_LOOP, TimeoutSeconds: 2 }, input: {} },
  // Past MaxHistoryEvents the execution fails with States.Runtime.
  'history-cap-fails': { definition: { ...TIGHT_LOOP, MaxHistoryEvents: 2500 }, input: {} },
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
        const history = await client.workflow.getHandle(id).fetchHistory();
        const result = await Worker.runReplayHistory(
          { workflowBundle: { codePath: workflowBundlePath() } },
          history,
          id,
        );
        expect(result).toBeUndefined();
        // Histories recorded by earlier versions are kept (they guard old executions); only new
        // cases are written, unless RECORD_HISTORIES=all.
        const file = path.join(ROOT, 'test', 'replay', 'histories', `${name}.history.bin`);
        if (process.env.RECORD_HISTORIES === 'all' || (process.env.RECORD_HISTORIES && !fs.existsSync(file))) {
          fs.writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
        }
      }
    } finally {
      await connection.close();
    }
    // One execution per case, one after another: more than the default on a loaded machine.
  }, 300_000);
});
