import { checkDefinition } from '../../engine/service/definitions';
import { expressChildProblems, expressProblems } from '../../engine/service/express-rules';

const task = (Resource: string) => ({ StartAt: 'T', States: { T: { Type: 'Task', Resource, End: true } } });

describe('checkDefinition', () => {
  test.each([' ', '', '[]', '1', 'null', '"text"'])('refuses %j as not a definition', (text) => {
    expect(checkDefinition(text, 'STANDARD')).toEqual({
      problems: [{ code: 'SCHEMA_VALIDATION_FAILED', path: '', message: 'Definition must be a valid JSON object' }],
    });
  });

  test('leaves text that is not JSON to the parser (INVALID_JSON)', () => {
    expect(checkDefinition('{', 'STANDARD').problems.map((p) => p.code)).toEqual(['INVALID_JSON']);
  });

  test('applies the EXPRESS rules to EXPRESS machines only', () => {
    const text = JSON.stringify(task('arn:aws:states:::sqs:sendMessage.waitForTaskToken'));
    expect(checkDefinition(text, 'STANDARD').problems).toEqual([]);
    expect(checkDefinition(text, 'EXPRESS')).toEqual({
      problems: [
        {
          code: 'SCHEMA_VALIDATION_FAILED',
          path: '/States/T/Resource',
          message: "Express state machine does not support '.waitForTaskToken' service integration ",
        },
      ],
    });
  });
});

describe('expressProblems', () => {
  test('refuses .sync, .sync:2, .waitForTaskToken and activities, in nested states too', () => {
    const definition = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [task('arn:aws:states:::states:startExecution.sync:2')],
          Next: 'M',
        },
        M: {
          Type: 'Map',
          ItemProcessor: task('arn:aws:states:us-east-1:123456789012:activity:work'),
          Next: 'S',
        },
        S: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', Next: 'L' },
        L: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true },
      },
    };
    expect(expressProblems(definition).map((p) => [p.path, p.message])).toEqual([
      ['/States/P/Branches/0/States/T/Resource', "Express state machine does not support '.sync' service integration "],
      ['/States/M/ItemProcessor/States/T/Resource', 'Express state machine does not support activities '],
      ['/States/S/Resource', "Express state machine does not support '.sync' service integration "],
    ]);
  });
});

describe('expressChildProblems', () => {
  test("applies the EXPRESS rules to a Distributed Map's EXPRESS ItemProcessor only, nested ones too", () => {
    const processor = (executionType: string, resource: string) => ({
      ...task(resource),
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType },
    });
    const definition = {
      StartAt: 'E',
      States: {
        E: {
          Type: 'Map',
          ItemProcessor: processor('EXPRESS', 'arn:aws:states:::sqs:sendMessage.waitForTaskToken'),
          Next: 'S',
        },
        S: {
          Type: 'Map',
          ItemProcessor: processor('STANDARD', 'arn:aws:states:::sqs:sendMessage.waitForTaskToken'),
          Next: 'P',
        },
        P: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'N',
              States: {
                N: {
                  Type: 'Map',
                  ItemProcessor: processor('EXPRESS', 'arn:aws:states:::states:startExecution.sync:2'),
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
    };
    expect(expressChildProblems(definition)).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/E/ItemProcessor/States/T/Resource',
        message: "Express state machine does not support '.waitForTaskToken' service integration ",
      },
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        path: '/States/P/Branches/0/States/N/ItemProcessor/States/T/Resource',
        message: "Express state machine does not support '.sync' service integration ",
      },
    ]);
    expect(checkDefinition(JSON.stringify(definition), 'STANDARD').problems).toHaveLength(2);
  });
});
