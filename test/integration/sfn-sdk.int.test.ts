import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConflictException,
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeExecutionCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  InvalidArn,
  InvalidDefinition,
  InvalidName,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachineAliasesCommand,
  ListStateMachinesCommand,
  ListStateMachineVersionsCommand,
  MissingRequiredParameter,
  PublishStateMachineVersionCommand,
  ResourceNotFound,
  type SFNClient,
  StartExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
  ValidationException,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { uniqueName, sfnClient, failure } from './support/client';

const ROLE = 'arn:aws:iam::000000000000:role/sdk-test';
const ARN_PREFIX = 'arn:aws:states:us-east-1:000000000000';
const passing = (result: string) =>
  JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { result }, End: true } } });

let sfn: SFNClient;
beforeAll(() => {
  sfn = sfnClient();
});
afterAll(() => sfn.destroy());

/** Polls DescribeExecution until the execution leaves RUNNING. */
async function finished(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (out.status !== 'RUNNING' || Date.now() > deadline) return out;
    await sleep(100);
  }
}

describe('Step Functions protocol: state machines through @aws-sdk/client-sfn', () => {
  test('creates, publishes, describes and updates a state machine when the SDK drives it', async () => {
    const name = uniqueName('sdk.machine');
    const arn = `${ARN_PREFIX}:stateMachine:${name}`;
    const definition = passing('one');
    const created = await sfn.send(
      new CreateStateMachineCommand({ name, definition, roleArn: ROLE, publish: true, versionDescription: 'first' }),
    );
    expect(created.stateMachineArn).toBe(arn);
    expect(created.stateMachineVersionArn).toBe(`${arn}:1`);
    expect(created.creationDate).toBeInstanceOf(Date);

    const again = await sfn.send(
      new CreateStateMachineCommand({ name, definition, roleArn: ROLE, publish: true, versionDescription: 'first' }),
    );
    expect(again.stateMachineVersionArn).toBe(`${arn}:1`);

    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(described).toMatchObject({
      stateMachineArn: arn,
      name,
      status: 'ACTIVE',
      definition,
      roleArn: ROLE,
      type: 'STANDARD',
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    });
    const version = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:1` }));
    expect(version).toMatchObject({
      stateMachineArn: `${arn}:1`,
      name,
      definition,
      description: 'first',
      revisionId: described.revisionId,
    });

    const updated = await sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing('two'), publish: true }),
    );
    expect(updated.stateMachineVersionArn).toBe(`${arn}:2`);
    expect(updated.revisionId).not.toBe(described.revisionId);
    const same = await sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing('two'), publish: true }),
    );
    expect(same).toMatchObject({ stateMachineVersionArn: `${arn}:2`, revisionId: updated.revisionId });
    const roleOnly = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, roleArn: `${ROLE}-2` }));
    expect(roleOnly.revisionId).not.toBe(updated.revisionId);
    expect((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).roleArn).toBe(`${ROLE}-2`);

    const listed = await sfn.send(new ListStateMachinesCommand({ maxResults: 1000 }));
    expect(listed.stateMachines?.map((m) => m.stateMachineArn)).toContain(arn);
  });

  test('answers the typed exceptions when a request is refused', async () => {
    const name = uniqueName('sdk-errors');
    const arn = `${ARN_PREFIX}:stateMachine:${name}`;
    await sfn.send(new CreateStateMachineCommand({ name, definition: passing('a'), roleArn: ROLE }));

    const exists = await failure(
      sfn.send(new CreateStateMachineCommand({ name, definition: passing('a').replace('{', '{ '), roleArn: ROLE })),
    );
    expect(exists).toBeInstanceOf(StateMachineAlreadyExists);
    expect(exists.message).toBe(`State Machine Already Exists: '${arn}'`);

    const badName = await failure(
      sfn.send(new CreateStateMachineCommand({ name: 'bad/name', definition: passing('a'), roleArn: ROLE })),
    );
    expect(badName).toBeInstanceOf(InvalidName);
    expect(badName.message).toBe("Invalid Name: 'bad/name'");

    const badDefinition = await failure(
      sfn.send(
        new CreateStateMachineCommand({
          name: uniqueName('sdk-bad'),
          definition: '{"StartAt":"Nope","States":{}}',
          roleArn: ROLE,
        }),
      ),
    );
    expect(badDefinition).toBeInstanceOf(InvalidDefinition);

    const description = await failure(
      sfn.send(
        new CreateStateMachineCommand({
          name: uniqueName('sdk-desc'),
          definition: passing('a'),
          roleArn: ROLE,
          versionDescription: 'x',
        }),
      ),
    );
    expect(description).toBeInstanceOf(ValidationException);
    expect(description.message).toBe('Version description can only be set when publish is true');

    const invalidArn = await failure(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'not_an_arn' })));
    expect(invalidArn).toBeInstanceOf(InvalidArn);
    expect(invalidArn.message).toBe("Invalid Arn: 'Invalid ARN prefix: not_an_arn'");

    const missing = await failure(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}-gone` })));
    expect(missing).toBeInstanceOf(StateMachineDoesNotExist);
    expect(missing.message).toBe(`State Machine Does Not Exist: '${arn}-gone'`);

    const nothing = await failure(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn })));
    expect(nothing).toBeInstanceOf(MissingRequiredParameter);
    expect(nothing.message).toBe(
      'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified',
    );

    const tooMany = await failure(
      sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn, maxResults: 1001 })),
    );
    expect(tooMany).toBeInstanceOf(ValidationException);
    expect(tooMany.message).toBe(
      "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );

    const token = await failure(
      sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn, nextToken: 'InvalidToken' })),
    );
    expect(token).toBeInstanceOf(InvalidToken);
    expect(token.message).toBe("Invalid Token: 'Invalid token'");

    const publishMissing = await failure(
      sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: `${arn}-gone` })),
    );
    expect(publishMissing).toBeInstanceOf(StateMachineDoesNotExist);
  });

  test('publishes numbered versions, lists them newest first in pages and deletes them when the SDK drives it', async () => {
    const name = uniqueName('sdk-versions');
    const arn = `${ARN_PREFIX}:stateMachine:${name}`;
    await sfn.send(new CreateStateMachineCommand({ name, definition: passing('1'), roleArn: ROLE }));
    const first = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, description: 'v1' }));
    expect(first.stateMachineVersionArn).toBe(`${arn}:1`);
    expect(
      (await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn }))).stateMachineVersionArn,
    ).toBe(`${arn}:1`);
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing('2') }));
    const { revisionId } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    const stale = await failure(
      sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, revisionId: 'stale' })),
    );
    expect(stale).toBeInstanceOf(ConflictException);
    const second = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, revisionId }));
    expect(second.stateMachineVersionArn).toBe(`${arn}:2`);

    const page1 = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn, maxResults: 1 }));
    expect(page1.stateMachineVersions?.map((v) => v.stateMachineVersionArn)).toEqual([`${arn}:2`]);
    const page2 = await sfn.send(
      new ListStateMachineVersionsCommand({ stateMachineArn: arn, maxResults: 1, nextToken: page1.nextToken }),
    );
    expect(page2.stateMachineVersions?.map((v) => v.stateMachineVersionArn)).toEqual([`${arn}:1`]);
    expect(page2.nextToken).toBeUndefined();

    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:1` }));
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:1` }));
    const remaining = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn }));
    expect(remaining.stateMachineVersions?.map((v) => v.stateMachineVersionArn)).toEqual([`${arn}:2`]);
    const gone = await failure(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:1` })));
    expect(gone).toBeInstanceOf(StateMachineDoesNotExist);
    // Numbers are never reused: the next published version is 3.
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing('3'), publish: true }));
    expect(
      (await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn }))).stateMachineVersions?.[0]
        .stateMachineVersionArn,
    ).toBe(`${arn}:3`);
  });

  test('routes executions through aliases and versions and records them when the SDK drives it', async () => {
    const name = uniqueName('sdk-alias');
    const arn = `${ARN_PREFIX}:stateMachine:${name}`;
    await sfn.send(new CreateStateMachineCommand({ name, definition: passing('v1'), roleArn: ROLE, publish: true }));
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: passing('v2'), publish: true }));
    const aliasArn = `${arn}:live`;
    const route = (v: number, weight: number) => ({ stateMachineVersionArn: `${arn}:${v}`, weight });

    const sum = await failure(
      sfn.send(
        new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [route(1, 70), route(2, 29)] }),
      ),
    );
    expect(sum).toBeInstanceOf(ValidationException);
    expect(sum.message).toBe('Sum of routing configuration weights must equal 100. Received: [70, 29]');
    const base = await failure(
      sfn.send(
        new CreateStateMachineAliasCommand({
          name: 'live',
          routingConfiguration: [{ stateMachineVersionArn: arn, weight: 100 }],
        }),
      ),
    );
    expect(base).toBeInstanceOf(ValidationException);
    expect(base.message).toBe(`Routing configuration must contain state machine version ARNs. Received: [${arn}]`);
    const digits = await failure(
      sfn.send(new CreateStateMachineAliasCommand({ name: '123', routingConfiguration: [route(1, 100)] })),
    );
    expect(digits).toBeInstanceOf(ValidationException);

    const created = await sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'live',
        description: 'prod',
        routingConfiguration: [route(1, 0), route(2, 100)],
      }),
    );
    expect(created.stateMachineAliasArn).toBe(aliasArn);
    const idempotent = await sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'live',
        description: 'prod',
        routingConfiguration: [route(1, 0), route(2, 100)],
      }),
    );
    expect(idempotent.stateMachineAliasArn).toBe(aliasArn);
    const conflict = await failure(
      sfn.send(new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [route(1, 100)] })),
    );
    expect(conflict).toBeInstanceOf(ConflictException);

    const viaAlias = await sfn.send(new StartExecutionCommand({ stateMachineArn: aliasArn, name: 'through-alias' }));
    const viaVersion = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: `${arn}:1`, name: 'through-version' }),
    );
    const plain = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'plain', input: '{"a":1}' }));
    const aliasRun = await finished(viaAlias.executionArn as string);
    expect(aliasRun).toMatchObject({
      status: 'SUCCEEDED',
      stateMachineArn: arn,
      stateMachineAliasArn: aliasArn,
      stateMachineVersionArn: `${arn}:2`,
      output: '{"result":"v2"}',
      redriveStatus: 'NOT_REDRIVABLE',
    });
    const versionRun = await finished(viaVersion.executionArn as string);
    expect(versionRun).toMatchObject({
      status: 'SUCCEEDED',
      stateMachineVersionArn: `${arn}:1`,
      output: '{"result":"v1"}',
    });
    expect(versionRun.stateMachineAliasArn).toBeUndefined();
    expect(await finished(plain.executionArn as string)).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"result":"v2"}',
    });

    const again = await failure(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'plain', input: '{"a":2}' })),
    );
    expect(again).toBeInstanceOf(ExecutionAlreadyExists);
    const badName = await failure(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'a b' })));
    expect(badName).toBeInstanceOf(InvalidName);

    const names = async (stateMachineArn: string) =>
      (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions?.map((e) => e.name).sort();
    expect(await names(arn)).toEqual(['plain', 'through-alias', 'through-version']);
    expect(await names(`${arn}:1`)).toEqual(['through-version']);
    expect(await names(`${arn}:2`)).toEqual(['through-alias']);
    expect(await names(aliasArn)).toEqual(['through-alias']);

    await sfn.send(
      new UpdateStateMachineAliasCommand({
        stateMachineAliasArn: aliasArn,
        description: 'canary',
        routingConfiguration: [route(1, 100)],
      }),
    );
    expect(await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }))).toMatchObject({
      stateMachineAliasArn: aliasArn,
      name: 'live',
      description: 'canary',
      routingConfiguration: [{ stateMachineVersionArn: `${arn}:1`, weight: 100 }],
    });
    const referenced = await failure(
      sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:1` })),
    );
    expect(referenced).toBeInstanceOf(ConflictException);
    expect(referenced.message).toBe(
      'Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [live]',
    );
    const listed = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: arn }));
    expect(listed.stateMachineAliases?.map((a) => a.stateMachineAliasArn)).toEqual([aliasArn]);

    await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    const aliasGone = await failure(sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn })));
    expect(aliasGone).toBeInstanceOf(ResourceNotFound);
    expect(aliasGone.message).toBe(`Resource not found: '${aliasArn}'`);
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:1` }));

    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    const machineGone = await failure(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:2` })));
    expect(machineGone).toBeInstanceOf(StateMachineDoesNotExist);
  });
});
