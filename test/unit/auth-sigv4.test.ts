import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { checkSigV4Claims, MAX_CLOCK_SKEW_MS, parseSigV4, verifySigV4Signature } from '../../engine/api/sigv4';

const SECRET = 'k3y-s3cr3t-of-the-test-0123456789';
const SIGNED_AT = new Date(Date.UTC(2026, 10, 26, 15, 4, 5));
const NOW = SIGNED_AT.getTime() + 60_000;

interface SignOptions {
  body?: string;
  region?: string;
  service?: string;
  secret?: string;
  /** Headers AWS's signer must leave out of the signature. */
  unsigned?: string[];
  /** Whether the signer sends x-amz-content-sha256 (as S3 does; the SFN client does not have to). */
  contentSha?: boolean;
}

/** A request signed by AWS's own SigV4 signer, as a Node server receives its headers (lower case). */
async function signed(options: SignOptions = {}): Promise<{ headers: Record<string, string>; body: string }> {
  const body = options.body ?? '{"amount":100}';
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'SFKTEST', secretAccessKey: options.secret ?? SECRET },
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'states',
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: options.contentSha ?? false,
  });
  const request = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8080,
      path: '/',
      query: {},
      headers: {
        host: '127.0.0.1:8080',
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.StartExecution',
      },
      body,
    },
    { signingDate: SIGNED_AT, unsignableHeaders: new Set(options.unsigned ?? []) },
  );
  return {
    headers: Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
    ),
    body,
  };
}

/** The server's two checks in order: claims, then the signature over `sentBody`. */
async function verify(
  request: { headers: Record<string, string>; body: string },
  sentBody = request.body,
  now = NOW,
): Promise<string | undefined> {
  const header = parseSigV4(request.headers.authorization);
  if (!header) return 'unparsable';
  return (
    checkSigV4Claims(header, request.headers, now) ??
    (await verifySigV4Signature(
      { method: 'POST', path: '/', query: {}, headers: request.headers, body: Buffer.from(sentBody) },
      header,
      SECRET,
    ))
  );
}

describe('SigV4 verification', () => {
  test("accepts a request signed by AWS's signer, with or without x-amz-content-sha256", async () => {
    expect(await verify(await signed())).toBeUndefined();
    expect(await verify(await signed({ contentSha: true }))).toBeUndefined();
  });

  test("refuses a tampered body when the client declares the signed body's hash", async () => {
    const request = await signed({ body: '{"amount":100}', contentSha: true });
    expect(await verify(request, '{"amount":999}')).toBe('the body does not match its x-amz-content-sha256');
  });

  test('refuses a tampered body when the client sends no body hash', async () => {
    const request = await signed({ body: '{"amount":100}' });
    expect(request.headers['x-amz-content-sha256']).toBeUndefined();
    expect(await verify(request, '{"amount":999}')).toBe('the signature does not match');
  });

  test("refuses an x-amz-content-sha256 that is not the body's, signed or not", async () => {
    const unsignedPayload = await signed();
    unsignedPayload.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    expect(await verify(unsignedPayload)).toBe('the body does not match its x-amz-content-sha256');
    const declared = await signed({ contentSha: true, unsigned: ['x-amz-content-sha256'] });
    declared.headers['x-amz-content-sha256'] = '0'.repeat(64);
    expect(await verify(declared)).toBe('the body does not match its x-amz-content-sha256');
  });

  test('refuses a signature that does not sign x-amz-target, host or x-amz-date', async () => {
    expect(await verify(await signed({ unsigned: ['x-amz-target'] }))).toBe(
      'the signature must sign the headers x-amz-target',
    );
    expect(await verify(await signed({ unsigned: ['host'] }))).toBe('the signature must sign the headers host');
    expect(await verify(await signed({ unsigned: ['x-amz-date', 'x-amz-target'] }))).toBe(
      'the signature must sign the headers x-amz-date, x-amz-target',
    );
  });

  test('refuses a credential scope of another service or a made-up region', async () => {
    expect(await verify(await signed({ region: 'mars-1', service: 's3' }))).toBe(
      "the credential should be scoped to the service 'states', not 's3'",
    );
    expect(await verify(await signed({ region: 'mars-1' }))).toBe(
      "the credential should be scoped to a valid region, not 'mars-1'",
    );
    expect(await verify(await signed({ region: 'US-EAST-1' }))).toBe(
      "the credential should be scoped to a valid region, not 'US-EAST-1'",
    );
    expect(await verify(await signed({ region: 'local' }))).toBe(
      "the credential should be scoped to a valid region, not 'local'",
    );
  });

  test('accepts any syntactically valid AWS region', async () => {
    for (const region of [
      'eu-west-3',
      'us-gov-west-1',
      'ap-southeast-2',
      'us-isob-east-1',
      'cn-north-1',
      'eusc-de-east-1',
    ]) {
      expect(await verify(await signed({ region }))).toBeUndefined();
    }
  });

  test("refuses a credential scope whose date is not X-Amz-Date's day", async () => {
    const request = await signed();
    request.headers.authorization = request.headers.authorization.replace('/20261126/', '/20261125/');
    expect(await verify(request)).toBe("the credential scope's date 20261125 is not the day of X-Amz-Date");
  });

  test('refuses a signature made more than 15 minutes away from now', async () => {
    const request = await signed();
    expect(await verify(request, request.body, SIGNED_AT.getTime() + MAX_CLOCK_SKEW_MS)).toBeUndefined();
    expect(await verify(request, request.body, SIGNED_AT.getTime() + MAX_CLOCK_SKEW_MS + 1_000)).toBe(
      'the signature has expired or is from the future (clock skew over 15 minutes)',
    );
    expect(await verify(request, request.body, SIGNED_AT.getTime() - MAX_CLOCK_SKEW_MS - 1_000)).toBe(
      'the signature has expired or is from the future (clock skew over 15 minutes)',
    );
  });

  test('refuses a malformed X-Amz-Date and a signed header that is absent', async () => {
    const badDate = await signed();
    badDate.headers['x-amz-date'] = '20261326T150405Z';
    expect(await verify(badDate)).toBe('the X-Amz-Date header is missing or malformed');
    const absent = await signed();
    delete absent.headers['content-type'];
    expect(await verify(absent)).toBe("the signed header 'content-type' is missing");
  });

  test('refuses a signature made with another secret, or over another target', async () => {
    expect(await verify(await signed({ secret: 'not-the-secret-0123456789' }))).toBe('the signature does not match');
    const retargeted = await signed();
    retargeted.headers['x-amz-target'] = 'AWSStepFunctions.DeleteStateMachine';
    expect(await verify(retargeted)).toBe('the signature does not match');
  });

  test('parses only complete AWS4-HMAC-SHA256 headers', async () => {
    const { headers } = await signed();
    expect(parseSigV4(headers.authorization)).toEqual({
      accessKeyId: 'SFKTEST',
      date: '20261126',
      region: 'us-east-1',
      service: 'states',
      signedHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-target'],
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(
      parseSigV4('AWS4-HMAC-SHA256 Credential=SFKTEST/20261126/us-east-1/states/aws4_request, SignedHeaders=host'),
    ).toBeUndefined();
    expect(parseSigV4(headers.authorization.replace('aws4_request', 'aws5_request'))).toBeUndefined();
    expect(
      parseSigV4(headers.authorization.replace('SignedHeaders=content-type', 'SignedHeaders=Content-Type')),
    ).toBeUndefined();
    expect(parseSigV4(undefined)).toBeUndefined();
  });
});
