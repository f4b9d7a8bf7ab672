import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';

/**
 * The AWS SDK v3 clients Stepflow's integrations use (the HTTP Task aside), one of each per
 * process. They are configured the way the AWS SDK reads its environment: `AWS_REGION`, the
 * default credential chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, profiles, container
 * and instance roles), `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` (e.g.
 * `AWS_ENDPOINT_URL_S3`), so the same definitions run against AWS or a compatible server.
 * Reusable: Distributed Map's ItemReader/ResultWriter take their S3 client from here.
 */
export interface AwsClientOptions {
  /** S3 path-style addressing (`STEPFLOW_S3_FORCE_PATH_STYLE`), which MinIO, s3rver and LocalStack need. */
  s3ForcePathStyle?: boolean;
  /**
   * The SQS wire protocol (`STEPFLOW_SQS_PROTOCOL`): `json` (AWS's and the SDK's default) or
   * `query`, the form/XML protocol that older SQS-compatible servers (goaws, …) speak only.
   */
  sqsProtocol?: 'json' | 'query';
}

/** SQS's query protocol (the SDK serializes by the same schemas; only the wire format changes). */
const SQS_QUERY = {
  protocol: AwsQueryProtocol,
  protocolSettings: {
    defaultNamespace: 'com.amazonaws.sqs',
    xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/',
    version: '2012-11-05',
  },
};

/** The AWS services whose client is installed, by the name `aws-sdk:<service>` uses. */
export type AwsService = 'sqs' | 'sns' | 'dynamodb' | 'eventbridge' | 's3' | 'lambda';

type Clients = {
  sqs: SQSClient;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
  eventbridge: EventBridgeClient;
  s3: S3Client;
  lambda: LambdaClient;
};

/** A lazily built set of clients; `destroy()` closes their sockets. */
export class AwsClients {
  private readonly built: Partial<Clients> = {};

  constructor(private readonly options: AwsClientOptions = {}) {}

  get<S extends AwsService>(service: S): Clients[S] {
    const existing = this.built[service];
    if (existing) return existing;
    const client = build(service, this.options) as Clients[S];
    this.built[service] = client;
    return client;
  }

  /** The S3 client (ItemReader / ResultWriter and the S3 integrations). */
  s3(): S3Client {
    return this.get('s3');
  }

  destroy(): void {
    for (const client of Object.values(this.built)) client.destroy();
  }
}

function build(service: AwsService, options: AwsClientOptions): Clients[AwsService] {
  switch (service) {
    case 'sqs':
      return new SQSClient(options.sqsProtocol === 'query' ? SQS_QUERY : {});
    case 'sns':
      return new SNSClient({});
    case 'dynamodb':
      return new DynamoDBClient({});
    case 'eventbridge':
      return new EventBridgeClient({});
    case 's3':
      return new S3Client({ forcePathStyle: options.s3ForcePathStyle === true });
    case 'lambda':
      return new LambdaClient({});
  }
}
