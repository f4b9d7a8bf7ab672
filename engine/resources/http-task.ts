import type { OpenConnection } from './connections';
import type { IncomingResponse, OutgoingRequest } from './http-client';

/**
 * The HTTP Task (`arn:aws:states:::http:invoke`) as AWS defines it: the request from the Task's
 * `ApiEndpoint`, `Method`, `Headers`, `QueryParameters`, `RequestBody` and `Transform`, merged
 * with the connection's invocation parameters and auth; the result `{Headers, ResponseBody,
 * StatusCode, StatusText}`; a non-2xx answer fails with `States.Http.StatusCode.<code>`.
 */

/** A Task's parameters that cannot make a request: the Task fails with `States.Runtime`. */
export class HttpTaskInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpTaskInvalid';
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
type ArrayFormat = 'INDICES' | 'REPEAT' | 'COMMAS' | 'BRACKETS';

/** Headers a definition may not set (the transport's own, and AWS's reserved prefixes). */
const FORBIDDEN_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'transfer-encoding',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
]);
const FORBIDDEN_PREFIXES = ['x-amz', 'x-amzn', 'aws', 'x-forwarded'];

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * `application/x-www-form-urlencoded` text of a JSON object, arrays encoded as `ArrayFormat`
 * says (`INDICES` `a[0]=x&a[1]=y`, `REPEAT` `a=x&a=y`, `COMMAS` `a=x,y`, `BRACKETS`
 * `a[]=x&a[]=y`); nested objects as `a[b]=c`.
 */
export function urlEncode(body: unknown, format: ArrayFormat = 'INDICES'): string {
  const pairs: [string, string][] = [];
  const add = (key: string, value: unknown): void => {
    if (Array.isArray(value)) {
      if (format === 'COMMAS') pairs.push([key, value.map(scalar).join(',')]);
      else
        value.forEach((item, i) =>
          add(format === 'REPEAT' ? key : format === 'BRACKETS' ? `${key}[]` : `${key}[${i}]`, item),
        );
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
    } else pairs.push([key, scalar(value)]);
  };
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new HttpTaskInvalid('URL_ENCODED needs a RequestBody that is a JSON object');
  for (const [key, value] of Object.entries(body)) add(key, value);
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

function objectField(params: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
  const value = params[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new HttpTaskInvalid(`'${field}' must be a JSON object`);
  return value as Record<string, unknown>;
}

/** The connection an HTTP Task names (`Authentication.ConnectionArn`, or `InvocationConfig.ConnectionArn`). */
export function connectionArnOf(params: unknown): string | undefined {
  const p = (params ?? {}) as Record<string, unknown>;
  for (const field of ['Authentication', 'InvocationConfig']) {
    const arn = (p[field] as { ConnectionArn?: unknown } | undefined)?.ConnectionArn;
    if (arn !== undefined) {
      if (typeof arn !== 'string' || arn === '') throw new HttpTaskInvalid(`'${field}.ConnectionArn' must be a string`);
      return arn;
    }
  }
  return undefined;
}

/**
 * The request an HTTP Task sends: its fields, the connection's invocation parameters merged in
 * (the connection's values win on a clash, as AWS merges them) and its auth header
 * (`accessToken`: an OAuth client-credentials token already fetched).
 */
export function buildHttpTaskRequest(
  params: unknown,
  connection?: OpenConnection,
  accessToken?: string,
): OutgoingRequest {
  if (params === null || typeof params !== 'object' || Array.isArray(params))
    throw new HttpTaskInvalid('The HTTP Task needs its parameters as a JSON object');
  const p = params as Record<string, unknown>;
  if (typeof p.ApiEndpoint !== 'string' || p.ApiEndpoint === '') throw new HttpTaskInvalid("'ApiEndpoint' is required");
  if (typeof p.Method !== 'string' || !METHODS.includes(p.Method.toUpperCase()))
    throw new HttpTaskInvalid(`'Method' must be one of ${METHODS.join(', ')}`);
  let url: URL;
  try {
    url = new URL(p.ApiEndpoint);
  } catch {
    throw new HttpTaskInvalid(`'ApiEndpoint' is not a URL: ${p.ApiEndpoint}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new HttpTaskInvalid("'ApiEndpoint' must be an https:// (or http://) URL");
  if (url.username || url.password)
    throw new HttpTaskInvalid("'ApiEndpoint' must not carry credentials: use a connection");
  const method = p.Method.toUpperCase();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(objectField(p, 'Headers') ?? {})) {
    const lower = name.toLowerCase();
    if (FORBIDDEN_HEADERS.has(lower) || FORBIDDEN_PREFIXES.some((prefix) => lower.startsWith(prefix)))
      throw new HttpTaskInvalid(`The header '${name}' cannot be set by an HTTP Task`);
    headers[lower] = scalar(value);
  }
  for (const [name, value] of Object.entries(objectField(p, 'QueryParameters') ?? {})) {
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, scalar(item));
    else url.searchParams.set(name, scalar(value));
  }
  const transform = objectField(p, 'Transform');
  const encoding = transform?.RequestBodyEncoding ?? 'NONE';
  if (encoding !== 'NONE' && encoding !== 'URL_ENCODED')
    throw new HttpTaskInvalid("'Transform.RequestBodyEncoding' must be NONE or URL_ENCODED");
  const format = ((transform?.RequestEncodingOptions as { ArrayFormat?: unknown } | undefined)?.ArrayFormat ??
    'INDICES') as ArrayFormat;
  if (!['INDICES', 'REPEAT', 'COMMAS', 'BRACKETS'].includes(format))
    throw new HttpTaskInvalid(
      "'Transform.RequestEncodingOptions.ArrayFormat' must be INDICES, REPEAT, COMMAS or BRACKETS",
    );

  let body = p.RequestBody;
  const invocation = connection?.parameters.InvocationHttpParameters;
  for (const header of invocation?.HeaderParameters ?? []) headers[header.Key.toLowerCase()] = header.Value;
  for (const query of invocation?.QueryStringParameters ?? []) url.searchParams.set(query.Key, query.Value);
  if (invocation?.BodyParameters?.length) {
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body)))
      throw new HttpTaskInvalid("The connection's body parameters need a RequestBody that is a JSON object");
    body = { ...((body as Record<string, unknown> | undefined) ?? {}) };
    for (const field of invocation.BodyParameters) (body as Record<string, unknown>)[field.Key] = field.Value;
  }
  if (connection) Object.assign(headers, authHeader(connection, accessToken));

  let text: string | undefined;
  if (body !== undefined && method !== 'GET' && method !== 'HEAD') {
    if (encoding === 'URL_ENCODED') {
      text = urlEncode(body, format);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      text = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] ??= 'application/json; charset=UTF-8';
    }
  }
  headers['user-agent'] ??= 'Stepflow HTTP Task';
  return { url, method, headers, ...(text !== undefined ? { body: text } : {}) };
}

function authHeader(connection: OpenConnection, accessToken?: string): Record<string, string> {
  const auth = connection.parameters;
  switch (connection.authorizationType) {
    case 'API_KEY': {
      const key = auth.ApiKeyAuthParameters;
      return key ? { [key.ApiKeyName.toLowerCase()]: key.ApiKeyValue } : {};
    }
    case 'BASIC': {
      const basic = auth.BasicAuthParameters;
      return basic
        ? { authorization: `Basic ${Buffer.from(`${basic.Username}:${basic.Password}`, 'utf8').toString('base64')}` }
        : {};
    }
    case 'OAUTH_CLIENT_CREDENTIALS':
      return accessToken ? { authorization: `Bearer ${accessToken}` } : {};
  }
}

/**
 * The client-credentials token request EventBridge sends: client id and secret as Basic auth,
 * `grant_type=client_credentials` plus the connection's OAuth HTTP parameters.
 */
export function oauthTokenRequest(connection: OpenConnection): OutgoingRequest {
  const oauth = connection.parameters.OAuthParameters;
  if (!oauth) throw new HttpTaskInvalid(`The connection '${connection.name}' has no OAuthParameters`);
  const url = new URL(oauth.AuthorizationEndpoint);
  const extra = oauth.OAuthHttpParameters;
  for (const query of extra?.QueryStringParameters ?? []) url.searchParams.set(query.Key, query.Value);
  const headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${oauth.ClientParameters.ClientID}:${oauth.ClientParameters.ClientSecret}`).toString('base64')}`,
    accept: 'application/json',
  };
  for (const header of extra?.HeaderParameters ?? []) headers[header.Key.toLowerCase()] = header.Value;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  for (const field of extra?.BodyParameters ?? []) form.set(field.Key, field.Value);
  if (oauth.HttpMethod === 'GET') {
    for (const [k, v] of form) url.searchParams.set(k, v);
    return { url, method: 'GET', headers };
  }
  headers['content-type'] = 'application/x-www-form-urlencoded';
  return { url, method: oauth.HttpMethod, headers, body: form.toString() };
}

/** The HTTP Task's result, as AWS shapes it (a JSON body parsed, else the text). */
export function httpTaskResult(response: IncomingResponse): Record<string, unknown> {
  let body: unknown = response.body;
  const type = response.headers['content-type']?.[0] ?? '';
  if (/\bjson\b/i.test(type) && response.body !== '') {
    try {
      body = JSON.parse(response.body);
    } catch {
      body = response.body;
    }
  }
  return {
    Headers: response.headers,
    ResponseBody: body,
    StatusCode: response.status,
    StatusText: response.statusText,
  };
}
