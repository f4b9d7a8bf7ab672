import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { ConnectionResponse, CreateConnectionRequest } from '../../schemas/api/connections';
import { DomainError } from '../service/errors';
import { sealSecret, unsealSecret, type MasterKey } from '../service/key-secrets';
import { ARN_ACCOUNT, ARN_REGION } from '../core/arn';

/** The sealed AuthParameters of a connection, as CreateConnection received them. */
export type AuthParameters = CreateConnectionRequest['AuthParameters'];

/** A connection as an HTTP Task uses it (secrets open). */
export interface OpenConnection {
  arn: string;
  name: string;
  authorizationType: CreateConnectionRequest['AuthorizationType'];
  parameters: AuthParameters;
}

interface ConnectionRow {
  name: string;
  arn: string;
  description: string | null;
  authorization_type: CreateConnectionRequest['AuthorizationType'];
  public_parameters: Record<string, unknown>;
  sealed_parameters: string;
  created_at: Date;
}

/** `arn:aws:events:<region>:<account>:connection/<name>/<id>`, as EventBridge names connections. */
export function connectionArn(name: string, id: string = randomUUID()): string {
  return `arn:aws:events:${ARN_REGION}:${ARN_ACCOUNT}:connection/${name}/${id}`;
}

/** The additional data a connection's secrets are sealed with: they open only for this ARN. */
const sealId = (arn: string) => `connection ${arn}`;

type Parameters = NonNullable<AuthParameters['InvocationHttpParameters']>;

function publicHttpParameters(parameters: Parameters | undefined): Record<string, unknown> | undefined {
  if (!parameters) return undefined;
  const keys = (list?: { Key: string; Value: string; IsValueSecret?: boolean }[]) =>
    list?.map((p) => ({
      Key: p.Key,
      IsValueSecret: p.IsValueSecret === true,
      ...(p.IsValueSecret ? {} : { Value: p.Value }),
    }));
  return {
    ...(parameters.HeaderParameters ? { HeaderParameters: keys(parameters.HeaderParameters) } : {}),
    ...(parameters.QueryStringParameters ? { QueryStringParameters: keys(parameters.QueryStringParameters) } : {}),
    ...(parameters.BodyParameters ? { BodyParameters: keys(parameters.BodyParameters) } : {}),
  };
}

/** What DescribeConnection may show: names, ids and endpoints, never a secret value. */
export function publicParameters(parameters: AuthParameters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (parameters.ApiKeyAuthParameters)
    out.ApiKeyAuthParameters = { ApiKeyName: parameters.ApiKeyAuthParameters.ApiKeyName };
  if (parameters.BasicAuthParameters) out.BasicAuthParameters = { Username: parameters.BasicAuthParameters.Username };
  if (parameters.OAuthParameters) {
    const oauth = parameters.OAuthParameters;
    out.OAuthParameters = {
      AuthorizationEndpoint: oauth.AuthorizationEndpoint,
      HttpMethod: oauth.HttpMethod,
      ClientParameters: { ClientID: oauth.ClientParameters.ClientID },
      ...(oauth.OAuthHttpParameters ? { OAuthHttpParameters: publicHttpParameters(oauth.OAuthHttpParameters) } : {}),
    };
  }
  const invocation = publicHttpParameters(parameters.InvocationHttpParameters);
  if (invocation) out.InvocationHttpParameters = invocation;
  return out;
}

function view(row: ConnectionRow): ConnectionResponse {
  return {
    connectionArn: row.arn,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    authorizationType: row.authorization_type,
    connectionState: 'AUTHORIZED',
    creationTime: row.created_at.toISOString(),
    authParameters: row.public_parameters,
  };
}

/** CreateConnection: a name is taken once (409 otherwise); answers the new ARN. */
export async function createConnection(
  pool: Pool,
  master: MasterKey,
  request: CreateConnectionRequest,
): Promise<ConnectionResponse> {
  const arn = connectionArn(request.Name);
  const sealed = sealSecret(master, sealId(arn), JSON.stringify(request.AuthParameters));
  const result = await pool.query<ConnectionRow>(
    `INSERT INTO connections (name, arn, description, authorization_type, public_parameters, sealed_parameters)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING *`,
    [
      request.Name,
      arn,
      request.Description ?? null,
      request.AuthorizationType,
      publicParameters(request.AuthParameters),
      sealed,
    ],
  );
  const row = result.rows[0];
  if (!row) throw new DomainError('CONFLICT', `Connection ${request.Name} already exists.`);
  return view(row);
}

export async function listConnections(pool: Pool): Promise<ConnectionResponse[]> {
  const result = await pool.query<ConnectionRow>('SELECT * FROM connections ORDER BY name LIMIT 1000');
  return result.rows.map(view);
}

export async function describeConnection(pool: Pool, name: string): Promise<ConnectionResponse> {
  const result = await pool.query<ConnectionRow>('SELECT * FROM connections WHERE name = $1', [name]);
  const row = result.rows[0];
  if (!row) throw new DomainError('RESOURCE_NOT_FOUND', `Connection ${name} does not exist.`);
  return view(row);
}

export async function deleteConnection(pool: Pool, name: string): Promise<void> {
  const result = await pool.query('DELETE FROM connections WHERE name = $1', [name]);
  if (result.rowCount === 0) throw new DomainError('RESOURCE_NOT_FOUND', `Connection ${name} does not exist.`);
}

/** Thrown when a Task names a connection that does not exist or cannot be opened. */
export class ConnectionUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionUnavailable';
  }
}

/** The connection an HTTP Task names, its secrets unsealed (only ever inside the activity). */
export async function openConnection(pool: Pool, master: MasterKey, arn: string): Promise<OpenConnection> {
  const result = await pool.query<ConnectionRow>('SELECT * FROM connections WHERE arn = $1', [arn]);
  const row = result.rows[0];
  if (!row)
    throw new ConnectionUnavailable(`The connection '${arn}' does not exist (create it with POST /v1/connections)`);
  const text = unsealSecret(master, sealId(row.arn), row.sealed_parameters);
  if (text === undefined)
    throw new ConnectionUnavailable(
      `The connection '${arn}' was sealed under another master key (STEPFLOW_MASTER_KEY)`,
    );
  return {
    arn: row.arn,
    name: row.name,
    authorizationType: row.authorization_type,
    parameters: JSON.parse(text) as AuthParameters,
  };
}
