import type { OpenConnection } from '../../engine/resources/connections';
import {
  buildHttpTaskRequest,
  connectionArnOf,
  httpTaskResult,
  HttpTaskInvalid,
  oauthTokenRequest,
  urlEncode,
} from '../../engine/resources/http-task';

const body = { array: ['a', 'b'], n: 1, flag: true, none: null, 'sp ace': 'x&y=z', nested: { k: 'v', deep: [1] } };

describe('urlEncode (Transform.RequestBodyEncoding URL_ENCODED)', () => {
  test.each([
    [
      'INDICES',
      'array%5B0%5D=a&array%5B1%5D=b&n=1&flag=true&none=&sp%20ace=x%26y%3Dz&nested%5Bk%5D=v&nested%5Bdeep%5D%5B0%5D=1',
    ],
    ['REPEAT', 'array=a&array=b&n=1&flag=true&none=&sp%20ace=x%26y%3Dz&nested%5Bk%5D=v&nested%5Bdeep%5D=1'],
    ['COMMAS', 'array=a%2Cb&n=1&flag=true&none=&sp%20ace=x%26y%3Dz&nested%5Bk%5D=v&nested%5Bdeep%5D=1'],
    [
      'BRACKETS',
      'array%5B%5D=a&array%5B%5D=b&n=1&flag=true&none=&sp%20ace=x%26y%3Dz&nested%5Bk%5D=v&nested%5Bdeep%5D%5B%5D=1',
    ],
  ] as const)('ArrayFormat %s', (format, expected) => {
    expect(urlEncode(body, format)).toBe(expected);
  });

  test('INDICES is the default; an empty object is an empty body; unicode is UTF-8 percent-encoded', () => {
    expect(urlEncode({ a: ['x'] })).toBe('a%5B0%5D=x');
    expect(urlEncode({})).toBe('');
    expect(urlEncode({ name: 'Zoë ✓' })).toBe('name=Zo%C3%AB%20%E2%9C%93');
  });

  test.each([['text'], [['a']], [null], [3]])('a body that is not an object (%j) is refused', (value) => {
    expect(() => urlEncode(value)).toThrow(
      new HttpTaskInvalid('URL_ENCODED needs a RequestBody that is a JSON object'),
    );
  });
});

describe('buildHttpTaskRequest', () => {
  test('URL_ENCODED with an array format: the form body and its content type', () => {
    const request = buildHttpTaskRequest({
      ApiEndpoint: 'https://api.example.com/orders?src=sf',
      Method: 'post',
      Headers: { 'X-Trace': 7 },
      QueryParameters: { q: 'a b', tag: ['x', 'y'] },
      RequestBody: { ids: [1, 2] },
      Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: 'REPEAT' } },
    });
    expect({ ...request, url: request.url.toString() }).toEqual({
      url: 'https://api.example.com/orders?src=sf&q=a+b&tag=x&tag=y',
      method: 'POST',
      headers: {
        'x-trace': '7',
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Stepflow HTTP Task',
      },
      body: 'ids=1&ids=2',
    });
  });

  test('a JSON body by default; a string body as it is; GET sends no body', () => {
    const json = buildHttpTaskRequest({ ApiEndpoint: 'https://a.example/', Method: 'PUT', RequestBody: { a: [1] } });
    expect([json.body, json.headers['content-type']]).toEqual(['{"a":[1]}', 'application/json; charset=UTF-8']);
    const text = buildHttpTaskRequest({
      ApiEndpoint: 'https://a.example/',
      Method: 'POST',
      Headers: { 'Content-Type': 'text/plain' },
      RequestBody: 'hello',
    });
    expect([text.body, text.headers['content-type']]).toEqual(['hello', 'text/plain']);
    const get = buildHttpTaskRequest({ ApiEndpoint: 'https://a.example/', Method: 'GET', RequestBody: { a: 1 } });
    expect(get.body).toBeUndefined();
  });

  test('a connection: its invocation parameters merged (its values win) and its auth header', () => {
    const connection: OpenConnection = {
      arn: 'arn:aws:events:us-east-1:123456789012:connection/key/0b0f5f4c-1111-4222-8333-944445555666',
      name: 'key',
      authorizationType: 'API_KEY',
      parameters: {
        ApiKeyAuthParameters: { ApiKeyName: 'X-Api-Key', ApiKeyValue: 'secret-1' },
        InvocationHttpParameters: {
          HeaderParameters: [{ Key: 'X-Tenant', Value: 'acme', IsValueSecret: false }],
          QueryStringParameters: [{ Key: 'v', Value: '2', IsValueSecret: false }],
          BodyParameters: [{ Key: 'client', Value: 'stepflow', IsValueSecret: false }],
        },
      },
    } as OpenConnection;
    const request = buildHttpTaskRequest(
      {
        ApiEndpoint: 'https://a.example/x?v=1',
        Method: 'POST',
        Headers: { 'x-tenant': 'other' },
        RequestBody: { client: 'mine', n: 1 },
      },
      connection,
    );
    expect([request.url.toString(), request.headers['x-tenant'], request.headers['x-api-key'], request.body]).toEqual([
      'https://a.example/x?v=2',
      'acme',
      'secret-1',
      '{"client":"stepflow","n":1}',
    ]);
    const basic = buildHttpTaskRequest({ ApiEndpoint: 'https://a.example/', Method: 'GET' }, {
      ...connection,
      authorizationType: 'BASIC',
      parameters: { BasicAuthParameters: { Username: 'ada', Password: 'pw:1' } },
    } as OpenConnection);
    expect(basic.headers.authorization).toBe(`Basic ${Buffer.from('ada:pw:1').toString('base64')}`);
    const oauth = buildHttpTaskRequest(
      { ApiEndpoint: 'https://a.example/', Method: 'GET' },
      { ...connection, authorizationType: 'OAUTH_CLIENT_CREDENTIALS', parameters: {} } as OpenConnection,
      'tok-1',
    );
    expect(oauth.headers.authorization).toBe('Bearer tok-1');
  });

  test.each([
    [null, 'The HTTP Task needs its parameters as a JSON object'],
    [{ Method: 'GET' }, "'ApiEndpoint' is required"],
    [{ ApiEndpoint: 'https://a.example/', Method: 'TRACE' }, "'Method' must be one of GET, POST, PUT, DELETE, PATCH"],
    [{ ApiEndpoint: 'not a url', Method: 'GET' }, "'ApiEndpoint' is not a URL: not a url"],
    [{ ApiEndpoint: 'ftp://a.example/', Method: 'GET' }, "'ApiEndpoint' must be an https:// (or http://) URL"],
    [{ ApiEndpoint: 'https://u:p@a.example/', Method: 'GET' }, "'ApiEndpoint' must not carry credentials"],
    [{ ApiEndpoint: 'https://a.example/', Method: 'GET', Headers: { Host: 'x' } }, "The header 'Host' cannot be set"],
    [
      { ApiEndpoint: 'https://a.example/', Method: 'GET', Headers: { 'X-Amz-Date': 'x' } },
      "The header 'X-Amz-Date' cannot be set",
    ],
    [{ ApiEndpoint: 'https://a.example/', Method: 'GET', Headers: ['x'] }, "'Headers' must be a JSON object"],
    [
      { ApiEndpoint: 'https://a.example/', Method: 'POST', Transform: { RequestBodyEncoding: 'XML' } },
      "'Transform.RequestBodyEncoding' must be NONE or URL_ENCODED",
    ],
    [
      {
        ApiEndpoint: 'https://a.example/',
        Method: 'POST',
        Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: 'COMMA' } },
      },
      "'Transform.RequestEncodingOptions.ArrayFormat' must be INDICES, REPEAT, COMMAS or BRACKETS",
    ],
  ])('%j is refused: %s', (params, message) => {
    expect(() => buildHttpTaskRequest(params)).toThrow(message);
  });
});

describe('connections, OAuth and the result', () => {
  test('connectionArnOf reads Authentication or InvocationConfig', () => {
    expect([
      connectionArnOf({ Authentication: { ConnectionArn: 'arn:1' } }),
      connectionArnOf({ InvocationConfig: { ConnectionArn: 'arn:2' } }),
      connectionArnOf({}),
      connectionArnOf(undefined),
    ]).toEqual(['arn:1', 'arn:2', undefined, undefined]);
    expect(() => connectionArnOf({ Authentication: { ConnectionArn: 3 } })).toThrow(
      "'Authentication.ConnectionArn' must be a string",
    );
  });

  test('the client-credentials token request, as EventBridge sends it', () => {
    const request = oauthTokenRequest({
      arn: 'arn',
      name: 'o',
      authorizationType: 'OAUTH_CLIENT_CREDENTIALS',
      parameters: {
        OAuthParameters: {
          AuthorizationEndpoint: 'https://auth.example/token',
          HttpMethod: 'POST',
          ClientParameters: { ClientID: 'id', ClientSecret: 's' },
          OAuthHttpParameters: { BodyParameters: [{ Key: 'scope', Value: 'orders', IsValueSecret: false }] },
        },
      },
    } as OpenConnection);
    expect({ ...request, url: request.url.toString() }).toEqual({
      url: 'https://auth.example/token',
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('id:s').toString('base64')}`,
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=orders',
    });
  });

  test('httpTaskResult: a JSON body parsed, anything else as text', () => {
    const url = new URL('https://a.example/');
    expect(
      httpTaskResult({
        status: 201,
        statusText: 'Created',
        headers: { 'content-type': ['application/json'] },
        body: '{"id":1}',
        url,
      }),
    ).toEqual({
      Headers: { 'content-type': ['application/json'] },
      ResponseBody: { id: 1 },
      StatusCode: 201,
      StatusText: 'Created',
    });
    expect(
      httpTaskResult({
        status: 200,
        statusText: 'OK',
        headers: { 'content-type': ['text/plain'] },
        body: '{"id":1}',
        url,
      }).ResponseBody,
    ).toBe('{"id":1}');
    expect(
      httpTaskResult({
        status: 200,
        statusText: 'OK',
        headers: { 'content-type': ['application/json'] },
        body: '{',
        url,
      }).ResponseBody,
    ).toBe('{');
  });
});
