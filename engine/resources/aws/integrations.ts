import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import * as lambda from '@aws-sdk/client-lambda';
import * as s3 from '@aws-sdk/client-s3';
import * as sns from '@aws-sdk/client-sns';
import * as sqs from '@aws-sdk/client-sqs';
import type { AwsClients, AwsService } from './clients';

/**
 * AWS service integrations through the AWS SDK v3: the optimized ones
 * (`arn:aws:states:::sqs:sendMessage`, …) with Step Functions' request and response shapes and
 * error names (`DynamoDB.ConditionalCheckFailedException`), and `aws-sdk:<service>:<action>` for
 * every action of an installed client (errors `<Service>.<Exception>`, as AWS names them).
 */

/** An integration failed: `error` is its ASL name, `cause` the service's message. */
export class IntegrationFailure extends Error {
  constructor(
    readonly error: string,
    readonly causeText: string,
  ) {
    super(causeText);
    this.name = 'IntegrationFailure';
  }
}

const MODULES: Record<AwsService, Record<string, unknown>> = { sqs, sns, dynamodb, eventbridge, s3, lambda };

/** The client of an optimized integration's service (`events` is EventBridge's). */
const OPTIMIZED_SERVICE: Record<string, AwsService> = {
  sqs: 'sqs',
  sns: 'sns',
  dynamodb: 'dynamodb',
  events: 'eventbridge',
  s3: 's3',
  lambda: 'lambda',
};
/** Error-name prefixes: optimized integrations, then `aws-sdk:` ones (the Java SDK's service names, as AWS uses). */
const OPTIMIZED_PREFIX: Record<string, string> = {
  sqs: 'SQS',
  sns: 'SNS',
  dynamodb: 'DynamoDB',
  events: 'EventBridge',
  s3: 'S3',
  lambda: 'Lambda',
};
const SDK_PREFIX: Record<AwsService, string> = {
  sqs: 'Sqs',
  sns: 'Sns',
  dynamodb: 'DynamoDb',
  eventbridge: 'EventBridge',
  s3: 'S3',
  lambda: 'Lambda',
};
/** Optimized integrations whose result carries the SDK's HTTP metadata, as Step Functions returns it. */
const WITH_METADATA = new Set(['sqs', 'sns', 'dynamodb']);

const text = (value: unknown): unknown =>
  value === undefined || typeof value === 'string' ? value : JSON.stringify(value);

/** Step Functions' conveniences on optimized requests: JSON values where the API wants text. */
function optimizedInput(service: string, action: string, params: Record<string, unknown>): Record<string, unknown> {
  if (service === 'sqs' && action === 'sendMessage') return { ...params, MessageBody: text(params.MessageBody) };
  if (service === 'sns' && action === 'publish') return { ...params, Message: text(params.Message) };
  if (service === 's3' && action === 'putObject') return { ...params, Body: text(params.Body) };
  if (service === 'events' && action === 'putEvents' && Array.isArray(params.Entries))
    return {
      ...params,
      Entries: params.Entries.map((entry: Record<string, unknown>) => ({ ...entry, Detail: text(entry.Detail) })),
    };
  return params;
}

/** The SDK's input: JSON payloads of Lambda become bytes. */
function sdkInput(service: AwsService, action: string, params: Record<string, unknown>): Record<string, unknown> {
  if (service === 'lambda' && action === 'invoke' && params.Payload !== undefined)
    return { ...params, Payload: new TextEncoder().encode(text(params.Payload) as string) };
  return params;
}

/** SDK output as JSON: `$metadata` dropped, bytes and streams as text, dates as ISO strings. */
async function jsonOutput(value: unknown): Promise<unknown> {
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && 'transformToString' in value)
    return (value as { transformToString(): Promise<string> }).transformToString();
  if (Array.isArray(value)) return Promise.all(value.map(jsonOutput));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      if (key !== '$metadata' && item !== undefined) out[key] = await jsonOutput(item);
    return out;
  }
  return value;
}

function pascal(action: string): string {
  return action[0].toUpperCase() + action.slice(1);
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * The ASL error of a failed SDK call: `<prefix>.<name>` with the Java SDK's class name, as Step
 * Functions reports it (`QueueDoesNotExist` → `SQS.QueueDoesNotExistException`); a call that got
 * no answer from the service is `<prefix>.SdkClientException`.
 */
export function failure(prefix: string, err: unknown): IntegrationFailure {
  const e = err as SdkError;
  const message = e.message ?? String(err);
  if (!e.$metadata?.httpStatusCode) return new IntegrationFailure(`${prefix}.SdkClientException`, message);
  let name = e.name && e.name !== 'Error' ? e.name : 'AmazonServiceException';
  if (!name.endsWith('Exception')) name = `${name}Exception`;
  return new IntegrationFailure(`${prefix}.${name}`, message);
}

/**
 * Runs an integration: `service` is the optimized name (`sqs`, `events`, …) or `aws-sdk:<service>`.
 * Throws IntegrationFailure with the ASL error name.
 */
export async function runIntegration(
  clients: AwsClients,
  service: string,
  action: string,
  params: unknown,
  signal?: AbortSignal,
): Promise<unknown> {
  const sdk = service.startsWith('aws-sdk:');
  const client = (sdk ? service.slice('aws-sdk:'.length) : OPTIMIZED_SERVICE[service]) as AwsService | undefined;
  if (!client || !(client in MODULES))
    throw new IntegrationFailure('States.Runtime', `No AWS SDK client is installed for '${service}'`);
  const prefix = sdk ? SDK_PREFIX[client] : (OPTIMIZED_PREFIX[service] ?? SDK_PREFIX[client]);
  const Command = MODULES[client][`${pascal(action)}Command`] as (new (input: unknown) => unknown) | undefined;
  if (typeof Command !== 'function')
    throw new IntegrationFailure('States.Runtime', `The AWS SDK client for '${client}' has no action '${action}'`);
  if (params !== undefined && (params === null || typeof params !== 'object' || Array.isArray(params)))
    throw new IntegrationFailure('States.Runtime', `The parameters of '${service}:${action}' must be a JSON object`);
  let input = (params ?? {}) as Record<string, unknown>;
  if (!sdk) input = optimizedInput(service, action, input);
  input = sdkInput(client, action, input);
  let output: { $metadata?: { httpStatusCode?: number; requestId?: string } };
  try {
    const target = clients.get(client) as unknown as {
      send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<typeof output>;
    };
    output = await target.send(new Command(input), signal ? { abortSignal: signal } : undefined);
  } catch (err) {
    throw failure(prefix, err);
  }
  const result = (await jsonOutput(output)) as Record<string, unknown>;
  if (!sdk && WITH_METADATA.has(service)) {
    const requestId = output.$metadata?.requestId ?? '';
    return {
      ...result,
      SdkHttpMetadata: {
        HttpHeaders: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId },
        HttpStatusCode: output.$metadata?.httpStatusCode ?? 200,
      },
      SdkResponseMetadata: { RequestId: requestId },
    };
  }
  return result;
}

/** Invokes a real Lambda function (a binding of kind `lambda`): its payload, or its error as Lambda reports it. */
export async function invokeLambda(
  clients: AwsClients,
  functionName: string,
  payload: unknown,
  signal?: AbortSignal,
): Promise<unknown> {
  let output: lambda.InvokeCommandOutput;
  try {
    output = await clients.get('lambda').send(
      new lambda.InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(payload ?? null)),
      }),
      signal ? { abortSignal: signal } : undefined,
    );
  } catch (err) {
    throw failure('Lambda', err);
  }
  const body = output.Payload ? new TextDecoder().decode(output.Payload) : 'null';
  let parsed: unknown = body;
  try {
    parsed = JSON.parse(body);
  } catch {
    // not JSON: the text
  }
  if (output.FunctionError) {
    const errorType = (parsed as { errorType?: unknown } | null)?.errorType;
    throw new IntegrationFailure(typeof errorType === 'string' ? errorType : 'Lambda.Unknown', body);
  }
  return parsed;
}
