import { compilePlan } from '../../engine/core/compile';
import { runExecution, type ExecutionInfo, type TopLevelMachine } from '../../engine/core/interpreter';
import { compileMachine } from '../../engine/core/interpreter/compiled';
import { jsonataFlow, jsonPathFlow } from '../../engine/core/interpreter/flow';
import { MemoryHost } from '../../engine/core/interpreter/memory-host';
import { choiceRunner } from '../../engine/core/interpreter/states/choice';
import { mapRunner } from '../../engine/core/interpreter/states/map';
import { passRunner } from '../../engine/core/interpreter/states/pass';
import { succeedRunner } from '../../engine/core/interpreter/states/succeed';
import { parseCounts } from '../../engine/core/parse-once';
import { compileTemplate } from '../../engine/core/payload-template';
import { parsedPath } from '../../engine/core/paths';
import { parseDefinition } from '../../engine/core/validate';

const EXECUTION: ExecutionInfo = {
  id: 'arn:aws:states:us-east-1:123456789012:execution:compile:run',
  name: 'run',
  stateMachineId: 'arn:aws:states:us-east-1:123456789012:stateMachine:compile',
  stateMachineName: 'compile',
  roleArn: 'arn:aws:iam::123456789012:role/compile',
  startTime: '2026-01-01T00:00:00.000Z',
  redriveCount: 0,
};

/** The plan's machine, as the workflow receives it. */
function planMachine(definition: unknown): TopLevelMachine {
  const parsed = parseDefinition(definition);
  if (!parsed.definition) throw new Error(JSON.stringify(parsed.problems));
  return compilePlan(parsed.definition).definition as TopLevelMachine;
}

/** The parse counters, as numbers (a copy). */
const counts = () => parseCounts();

describe('compileMachine', () => {
  test('one typed node per state with its runner and the data flow of its query language', () => {
    const machine = planMachine({
      QueryLanguage: 'JSONPath',
      StartAt: 'P',
      States: {
        P: { Type: 'Pass', Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'M' }], Default: 'M' },
        M: {
          Type: 'Map',
          QueryLanguage: 'JSONata',
          ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Succeed' } } },
          Next: 'S',
        },
        S: { Type: 'Succeed' },
      },
    });
    const compiled = compileMachine(machine, machine.QueryLanguage);
    expect(compiled.startAt).toBe('P');
    expect([...compiled.nodes.keys()]).toEqual(['P', 'C', 'M', 'S']);
    const described = [...compiled.nodes.values()].map((node) => ({
      type: node.type,
      name: node.name,
      runner: node.runner,
      flow: node.flow.language,
      same: node.definition === machine.States[node.name] && node.state === node.definition,
    }));
    expect(described).toEqual([
      { type: 'Pass', name: 'P', runner: passRunner, flow: 'JSONPath', same: true },
      { type: 'Choice', name: 'C', runner: choiceRunner, flow: 'JSONPath', same: true },
      { type: 'Map', name: 'M', runner: mapRunner, flow: 'JSONata', same: true },
      { type: 'Succeed', name: 'S', runner: succeedRunner, flow: 'JSONPath', same: true },
    ]);
    // The item processor was compiled with its machine, in the machine's language (as AWS resolves it).
    const processor = machine.States.M!.ItemProcessor as TopLevelMachine;
    const inner = compileMachine(processor, machine.QueryLanguage);
    expect(inner.nodes.get('I')!.flow).toBe(jsonPathFlow);
    // Compiled once per machine object: the same nodes come back.
    expect(compileMachine(machine, machine.QueryLanguage)).toBe(compiled);
    expect(compileMachine(processor, 'JSONPath')).toBe(inner);
    expect(compiled.nodes.get('M')!.flow).toBe(jsonataFlow);
  });

  test('payload templates compile to a tree of parsed fields, reused by identity', () => {
    const template = { 'a.$': '$.x', b: [1, { 'c.$': 'States.MathAdd($.n, 1)' }], d: 'literal' };
    const compiled = compileTemplate(template);
    expect(compiled).toEqual({
      kind: 'object',
      fields: [
        { dynamic: { key: 'a.$', name: 'a', expr: '$.x', intrinsic: false } },
        {
          name: 'b',
          value: {
            kind: 'array',
            items: [
              { kind: 'value', value: 1 },
              {
                kind: 'object',
                fields: [{ dynamic: { key: 'c.$', name: 'c', expr: 'States.MathAdd($.n, 1)', intrinsic: true } }],
              },
            ],
          },
        },
        { name: 'd', value: { kind: 'value', value: 'literal' } },
      ],
    });
    expect(compileTemplate(template)).toBe(compiled);
    expect(parsedPath('$.x')).toEqual({
      root: { kind: 'data' },
      segments: [{ type: 'name', names: ['x'] }],
      definite: true,
    });
    expect(parsedPath('$.x')).toBe(parsedPath('$.x'));
  });

  test('a 1,000-iteration Pass/Choice loop parses each expression once, at compile', async () => {
    // Field names no other test uses, so that the counts are this machine's alone.
    const before = counts();
    const machine = planMachine({
      StartAt: 'Step',
      States: {
        Step: {
          Type: 'Pass',
          Parameters: { 'compileLoopI.$': 'States.MathAdd($.compileLoopI, 1)', 'compileLoopN.$': '$.compileLoopN' },
          Next: 'Check',
        },
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.compileLoopI', NumericLessThanPath: '$.compileLoopN', Next: 'Step' }],
          Default: 'Shape',
        },
        Shape: {
          Type: 'Pass',
          QueryLanguage: 'JSONata',
          Output: { compileLoopDone: '{% $states.input.compileLoopI * 1 %}' },
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    });
    compileMachine(machine, machine.QueryLanguage);
    const compiled = counts();
    // Validation and compile together: `$.compileLoopN` and `$.compileLoopI`, the intrinsic, the JSONata expression.
    expect({
      jsonPath: compiled.jsonPath - before.jsonPath,
      intrinsic: compiled.intrinsic - before.intrinsic,
      jsonata: compiled.jsonata - before.jsonata,
    }).toEqual({ jsonPath: 2, intrinsic: 1, jsonata: 1 });
    const host = new MemoryHost({});
    const run = await runExecution(machine, { compileLoopI: 0, compileLoopN: 1000 }, EXECUTION, host);
    expect(run.outcome).toEqual({ status: 'SUCCEEDED', output: { compileLoopDone: 1000 } });
    const events = [...host.written, ...run.pendingEvents];
    expect(events.filter((event) => event.type === 'PassStateEntered')).toHaveLength(1001);
    expect(counts()).toEqual(compiled);
  });
});
