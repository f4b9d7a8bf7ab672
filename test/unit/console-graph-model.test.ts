import { commandsFor, shellQuote } from '../../ui/src/actions/copy-command';
import { buildGraph, choiceRuleLabel, stateOfPointer } from '../../ui/src/graph/model';
import { lineOfPointer } from '../../ui/src/machines/pointer-lines';

describe('console graph model', () => {
  test('Parallel branches and Map processors are nested groups; transitions leave from the join', () => {
    const model = buildGraph({
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }],
          Next: 'M',
        },
        M: { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, End: true },
        F: { Type: 'Fail' },
      },
    });
    expect(model.groups.map((g) => [g.id, g.parent])).toEqual([
      ['P#group', undefined],
      ['P#0', 'P#group'],
      ['M#group', undefined],
      ['M#0', 'M#group'],
    ]);
    expect(model.nodes.map((n) => [n.id, n.parent])).toEqual([
      ['#start', undefined],
      ['#end', undefined],
      ['P', 'P#group'],
      ['P#join', 'P#group'],
      ['A', 'P#0'],
      ['M', 'M#group'],
      ['M#join', 'M#group'],
      ['I', 'M#0'],
      ['F', undefined],
    ]);
    expect(model.edges.map((e) => `${e.from}→${e.to}:${e.kind}${e.label ? `:${e.label}` : ''}`)).toEqual([
      'A→P#join:next',
      'P→A:branch',
      'P#join→M:next',
      'P#join→F:catch:Catch States.ALL',
      'I→M#join:next',
      'M→I:branch',
      'M#join→#end:next',
      'F→#end:next',
      '#start→P:next',
    ]);
    expect(model.pointers.get('I')).toBe('/States/M/ItemProcessor/States/I');
  });

  test('Choice rules are labelled with their comparison, Default apart', () => {
    expect(choiceRuleLabel({ Variable: '$.n', NumericGreaterThan: 5, Next: 'B' })).toBe('$.n NumericGreaterThan 5');
    expect(
      choiceRuleLabel({ And: [{ Variable: '$.a', IsPresent: true }, { Not: { Variable: '$.b', StringEquals: 'x' } }] }),
    ).toBe('$.a IsPresent true and not ($.b StringEquals "x")');
    expect(choiceRuleLabel({ Condition: '{% $states.input.n > 5 %}', Next: 'B' })).toBe('{% $states.input.n > 5 %}');
  });

  test('a definition being typed draws what it can', () => {
    expect(buildGraph({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } }).edges).toEqual([
      { from: '#start', to: 'A', kind: 'next' },
    ]);
    expect(buildGraph('not an object').nodes).toEqual([]);
  });

  test('a problem location is pinned to the innermost state and to its line', () => {
    expect(stateOfPointer('/States/P/Branches/0/States/A~1b/Next')).toBe('A/b');
    expect(stateOfPointer('/StartAt')).toBeUndefined();
    const text = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }, null, 2);
    expect(lineOfPointer(text, '/States/A/Next')).toBe(6);
    // A member that is missing points at its parent.
    expect(lineOfPointer(text, '/States/A/Resource')).toBe(4);
  });
});

describe('console copy as CLI or SDK', () => {
  test('a start as the stepflow CLI, the aws CLI and an SDK call, quoted for the shell', () => {
    const commands = commandsFor(
      { kind: 'start', stateMachine: 'orders', input: `{"who":"O'Brien"}` },
      'http://127.0.0.1:8080',
    );
    expect(commands.cli).toBe(
      `STEPFLOW_URL=http://127.0.0.1:8080 npx stepflow start orders --input '{"who":"O'\\''Brien"}'`,
    );
    expect(commands.aws).toBe(
      `aws stepfunctions start-execution --endpoint-url http://127.0.0.1:8080 --state-machine-arn arn:aws:states:us-east-1:000000000000:stateMachine:orders --input '{"who":"O'\\''Brien"}'`,
    );
    expect(commands.sdk).toBe(
      [
        "import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';",
        'const client = new SFNClient({ endpoint: "http://127.0.0.1:8080", region: \'us-east-1\' });',
        'await client.send(new StartExecutionCommand({\n  "stateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:orders",\n  "input": "{\\"who\\":\\"O\'Brien\\"}"\n}));',
      ].join('\n'),
    );
  });

  test('a start of a version or an alias: a qualified ARN, and the REST API for the stepflow form', () => {
    const version = commandsFor(
      { kind: 'start', stateMachine: 'orders', input: '{}', name: 'r1', qualifier: '2' },
      'http://h',
    );
    expect(version.aws).toBe(
      `aws stepfunctions start-execution --endpoint-url http://h --state-machine-arn arn:aws:states:us-east-1:000000000000:stateMachine:orders:2 --name r1 --input '{}'`,
    );
    expect(version.cli).toBe(
      `curl -sS -X POST http://h/v1/state-machines/orders/executions -H 'content-type: application/json' -d '{"input":{},"name":"r1","version":2}'`,
    );
    const alias = commandsFor({ kind: 'start', stateMachine: 'orders', input: '[1]', qualifier: 'live' }, 'http://h');
    expect(alias.cli).toBe(
      `curl -sS -X POST http://h/v1/state-machines/orders/executions -H 'content-type: application/json' -d '{"input":[1],"alias":"live"}'`,
    );
    expect(alias.sdk).toContain('"stateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:orders:live"');
  });

  test('redrive and stop name the execution', () => {
    const arn = 'arn:aws:states:us-east-1:000000000000:execution:orders:run-1';
    expect(commandsFor({ kind: 'redrive', executionArn: arn, executionId: 'orders:run-1' }, 'http://h').cli).toBe(
      'STEPFLOW_URL=http://h npx stepflow redrive orders:run-1',
    );
    expect(commandsFor({ kind: 'stop', executionArn: arn, executionId: 'orders:run-1' }, 'http://h').aws).toBe(
      `aws stepfunctions stop-execution --endpoint-url http://h --execution-arn ${arn}`,
    );
    expect(shellQuote('a b')).toBe("'a b'");
  });
});
