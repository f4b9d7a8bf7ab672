import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** How far a request's `X-Amz-Date` may be from now (AWS allows 15 minutes). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** The service name a Step Functions signature is scoped to. */
export const SIGNING_SERVICE = 'states';
/** Headers a signature must cover: where it goes, when it was made, and which action it runs. */
export const REQUIRED_SIGNED_HEADERS = ['host', 'x-amz-date', 'x-amz-target'] as const;
/**
 * The region rule: Stepflow is one endpoint, not a region, so a signature may be scoped to any
 * region an AWS SDK could be configured with — `<area>-<name>-<n>` such as `us-east-1`,
 * `eu-central-2`, `us-gov-west-1`, `us-isob-east-1` or `eusc-de-east-1` — but not to a made-up
 * one (`mars-1`).
 */
export const REGION = /^[a-z]{2,4}(-[a-z]+){1,2}-\d{1,2}$/;

/** The parts of an `Authorization: AWS4-HMAC-SHA256 …` header. */
export interface SigV4Header {
  accessKeyId: string;
  /** The credential scope's date, `YYYYMMDD`. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const HEADER =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9-]+(?:;[a-z0-9-]+)*),\s*Signature=([0-9a-f]{64})$/;

/** True when `authorization` claims to be SigV4 (it may still be malformed). */
export function isSigV4(authorization: string | undefined): boolean {
  return /^AWS4-HMAC-SHA256(\s|$)/.test(authorization?.trim() ?? '');
}

/** Parses a SigV4 `Authorization` header; undefined when it is not a complete one. */
export function parseSigV4(authorization: string | undefined): SigV4Header | undefined {
  const match = authorization ? HEADER.exec(authorization.trim()) : null;
  if (!match) return undefined;
  return {
    accessKeyId: match[1],
    date: match[2],
    region: match[3],
    service: match[4],
    signedHeaders: match[5].split(';'),
    signature: match[6],
  };
}

/** `20261126T150405Z` → Date (undefined when malformed or not a real instant). */
function amzDate(value: string | undefined): Date | undefined {
  const match = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!match) return undefined;
  const date = new Date(Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5], +match[6]));
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '') === value ? date : undefined;
}

type Headers = Record<string, string | string[] | undefined>;

function headerText(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Checks what a signature claims before any secret or body is involved: the credential scope
 * (`<date>/<region>/states/aws4_request`, the date being X-Amz-Date's day, the region per
 * REGION), the clock skew, and that host, x-amz-date and x-amz-target are signed and present.
 * Returns the reason when the request must be refused.
 */
export function checkSigV4Claims(header: SigV4Header, headers: Headers, now = Date.now()): string | undefined {
  const signingDate = amzDate(headerText(headers, 'x-amz-date'));
  if (!signingDate) return 'the X-Amz-Date header is missing or malformed';
  if (Math.abs(now - signingDate.getTime()) > MAX_CLOCK_SKEW_MS)
    return 'the signature has expired or is from the future (clock skew over 15 minutes)';
  if (header.date !== headerText(headers, 'x-amz-date')?.slice(0, 8))
    return `the credential scope's date ${header.date} is not the day of X-Amz-Date`;
  if (header.service !== SIGNING_SERVICE)
    return `the credential should be scoped to the service '${SIGNING_SERVICE}', not '${header.service}'`;
  if (!REGION.test(header.region)) return `the credential should be scoped to a valid region, not '${header.region}'`;
  const missing = REQUIRED_SIGNED_HEADERS.filter((name) => !header.signedHeaders.includes(name));
  if (missing.length > 0) return `the signature must sign the headers ${missing.join(', ')}`;
  const absent = header.signedHeaders.find((name) => headerText(headers, name) === undefined);
  if (absent) return `the signed header '${absent}' is missing`;
  return undefined;
}

/** Hex SHA-256 of the body as received. */
export function payloadHash(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Verifies a SigV4 signature as AWS does: the payload hash is computed here from the body
 * received (a client's `x-amz-content-sha256` must equal it), the canonical request is made
 * from exactly the signed headers, and AWS's own signer computes the expected signature, which
 * is compared in constant time. Call after checkSigV4Claims. Returns the reason when invalid.
 */
export async function verifySigV4Signature(
  request: { method: string; path: string; query: Record<string, string | string[]>; headers: Headers; body: Buffer },
  header: SigV4Header,
  secret: string,
): Promise<string | undefined> {
  const signingDate = amzDate(headerText(request.headers, 'x-amz-date'));
  if (!signingDate) return 'the X-Amz-Date header is missing or malformed';
  const hash = payloadHash(request.body);
  const claimed = headerText(request.headers, 'x-amz-content-sha256');
  if (claimed !== undefined && claimed !== hash) return 'the body does not match its x-amz-content-sha256';
  const headers: Record<string, string> = {};
  for (const name of header.signedHeaders) headers[name] = headerText(request.headers, name) as string;
  const signer = new SignatureV4({
    credentials: { accessKeyId: header.accessKeyId, secretAccessKey: secret },
    region: header.region,
    service: header.service,
    sha256: Hash.bind(null, 'sha256'),
    // Never add an x-amz-content-sha256 of our own: the canonical request holds exactly the signed headers.
    applyChecksum: false,
  });
  const [hostname, port] = (headers.host ?? '').split(':');
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname,
      port: port ? Number(port) : undefined,
      path: request.path,
      query: request.query,
      headers,
      body: request.body,
    },
    { signingDate, signableHeaders: new Set(header.signedHeaders) },
  );
  const expected =
    /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? '';
  const a = Buffer.from(expected);
  const b = Buffer.from(header.signature);
  return a.length === b.length && timingSafeEqual(a, b) ? undefined : 'the signature does not match';
}
