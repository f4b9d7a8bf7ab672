import {
  DescribeMapRunCommand,
  ListMapRunsCommand,
  UpdateMapRunCommand,
  ActivityDoesNotExist,
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DeleteStateMachineCommand,
  DescribeActivityCommand,
  InvalidArn,
  InvalidName,
  ListActivitiesCommand,
  ListTagsForResourceCommand,
  PublishStateMachineVersionCommand,
  ResourceNotFound,
  type SFNClient,
  SFNServiceException,
  TagResourceCommand,
  TooManyTags,
  UntagResourceCommand,
} from '@aws-sdk/client-sfn';
import { uniqueName, sfnClient, failure } from './support/client';

const ROLE = 'arn:aws:iam::000000000000:role/sdk-test';
const ARN_PREFIX = 'arn:aws:states:us-east-1:000000000000';
const DEFINITION = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });

let sfn: SFNClient;
beforeAll(() => {
  sfn = sfnClient();
});
afterAll(() => sfn.destroy());

const tags = (count: number, prefix = 'k') =>
  Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}` }));

describe('Step Functions protocol: tags through @aws-sdk/client-sfn', () => {
  test('tags, retags, untags and lists a state machine when the SDK drives it', async () => {
    const name = uniqueName('sdk-tags');
    const arn = `${ARN_PREFIX}:stateMachine:${name}`;
    await sfn.send(
      new CreateStateMachineCommand({
        name,
        definition: DEFINITION,
        roleArn: ROLE,
        tags: [{ key: 'team', value: 'core' }],
      }),
    );
    await sfn.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: 'env', value: '' },
          { key: 'team', value: 'platform' },
        ],
      }),
    );
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: 'team', value: 'platform' },
      { key: 'env', value: '' },
    ]);
    await sfn.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team', 'absent'] }));
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: 'env', value: '' },
    ]);

    await sfn.send(new TagResourceCommand({ resourceArn: arn, tags: tags(49) }));
    const tooMany = await failure(
      sfn.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'one-more', value: 'x' }] })),
    );
    expect(tooMany).toBeInstanceOf(TooManyTags);
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toHaveLength(50);

    const version = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn }));
    const onVersion = await failure(
      sfn.send(new TagResourceCommand({ resourceArn: version.stateMachineVersionArn, tags: tags(1) })),
    );
    expect(onVersion).toBeInstanceOf(ResourceNotFound);
    expect(onVersion.message).toBe(`Resource not found: '${arn}:1'`);

    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    const deleted = await failure(sfn.send(new ListTagsForResourceCommand({ resourceArn: arn })));
    expect(deleted).toBeInstanceOf(ResourceNotFound);
    // A machine created again under the name is a new resource, without the old tags.
    await sfn.send(new CreateStateMachineCommand({ name, definition: DEFINITION, roleArn: ROLE }));
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([]);
  });

  test('refuses to tag what does not exist or is not an ARN', async () => {
    const missing = await failure(
      sfn.send(
        new TagResourceCommand({ resourceArn: `${ARN_PREFIX}:stateMachine:${uniqueName('none')}`, tags: tags(1) }),
      ),
    );
    expect(missing).toBeInstanceOf(ResourceNotFound);
    const invalid = await failure(sfn.send(new ListTagsForResourceCommand({ resourceArn: 'nope' })));
    expect(invalid).toBeInstanceOf(InvalidArn);
    expect(invalid.message).toBe("Invalid Arn: 'Invalid ARN prefix: nope'");
  });
});

describe('Step Functions protocol: activities through @aws-sdk/client-sfn', () => {
  test('creates idempotently, describes, lists, tags and deletes an activity when the SDK drives it', async () => {
    const name = uniqueName('sdk.activity');
    const arn = `${ARN_PREFIX}:activity:${name}`;
    const created = await sfn.send(new CreateActivityCommand({ name, tags: [{ key: 'owner', value: 'ops' }] }));
    expect(created.activityArn).toBe(arn);
    const again = await sfn.send(new CreateActivityCommand({ name, tags: [{ key: 'ignored', value: 'x' }] }));
    expect(again).toMatchObject({ activityArn: arn, creationDate: created.creationDate });
    expect(await sfn.send(new DescribeActivityCommand({ activityArn: arn }))).toMatchObject({
      activityArn: arn,
      name,
      creationDate: created.creationDate,
      encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
    });
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: 'owner', value: 'ops' },
    ]);
    const listed = await sfn.send(new ListActivitiesCommand({ maxResults: 1000 }));
    expect(listed.activities?.filter((a) => a.activityArn === arn)).toEqual([
      { activityArn: arn, name, creationDate: created.creationDate },
    ]);

    await sfn.send(new DeleteActivityCommand({ activityArn: arn }));
    await sfn.send(new DeleteActivityCommand({ activityArn: arn }));
    const gone = await failure(sfn.send(new DescribeActivityCommand({ activityArn: arn })));
    expect(gone).toBeInstanceOf(ActivityDoesNotExist);
    expect(gone.message).toBe(`Activity Does Not Exist: '${arn}'`);
  });

  test('refuses invalid activity names and ARNs', async () => {
    for (const name of ['activity>name', 'activity:name', 'activity name', 'activity\u007f']) {
      const err = await failure(sfn.send(new CreateActivityCommand({ name })));
      expect(err).toBeInstanceOf(InvalidName);
      expect(err.message).toBe(`Invalid Name: '${name}'`);
    }
    const invalid = await failure(sfn.send(new DescribeActivityCommand({ activityArn: 'no_an_activity_arn' })));
    expect(invalid).toBeInstanceOf(InvalidArn);
    expect(invalid.message).toBe("Invalid Arn: 'Invalid ARN prefix: no_an_activity_arn'");
  });
});

describe('Step Functions protocol: Map Run actions on unknown resources', () => {
  test('answer ResourceNotFound, ExecutionDoesNotExist and InvalidArn as Step Functions does', async () => {
    const mapRunArn = `${ARN_PREFIX}:mapRun:m/label:run`;
    const unknown = await failure(sfn.send(new DescribeMapRunCommand({ mapRunArn })));
    expect(unknown).toBeInstanceOf(SFNServiceException);
    expect(unknown.name).toBe('ResourceNotFound');
    expect(unknown.message).toBe(`Resource not found: '${mapRunArn}'`);
    const update = await failure(sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 1 })));
    expect(update.name).toBe('ResourceNotFound');
    const list = await failure(sfn.send(new ListMapRunsCommand({ executionArn: `${ARN_PREFIX}:execution:m:e` })));
    expect(list.name).toBe('ExecutionDoesNotExist');
    const invalid = await failure(sfn.send(new DescribeMapRunCommand({ mapRunArn: 'arn:aws:states:us-east-1:1:x' })));
    expect(invalid.name).toBe('InvalidArn');
  });
});
