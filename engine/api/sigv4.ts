import { timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** How far a request's `X-Amz-Date` may be from now (AWS allows 15 minutes). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** The parts of an `Authorization: AWS4-HMAC-SHA256 …` header. */
export interface SigV4Header {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const HEADER = /^AWS4-HMAC-SHA256\s+Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/;

/** Parses a SigV4 `Authorization` header; undefined when it is not one. */
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

/** `20261126T150405Z` → Date. */
function amzDate(value: string | undefined): Date | undefined {
  const match = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  return match ? new Date(Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5], +match[6])) : undefined;
}

/**
 * Verifies a SigV4-signed request by signing the same canonical request with the key's secret
 * (AWS's own signer) and comparing signatures in constant time. Returns a reason when invalid.
 */
export async function verifySigV4(
  request: { method: string; path: string; query: Record<string, string>; headers: Record<string, string | string[] | undefined>; body: string },
  header: SigV4Header,
  secret: string,
  now = Date.now(),
): Promise<string | undefined> {
  const signingDate = amzDate(request.headers['x-amz-date'] as string | undefined);
  if (!signingDate) return 'the X-Amz-Date header is missing or malformed';
  if (Math.abs(now - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) return 'the signature has expired (clock skew over 15 minutes)';
  const headers: Record<string, string> = {};
  for (const name of header.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return `the signed header '${name}' is missing`;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: header.accessKeyId, secretAccessKey: secret },
    region: header.region,
    service: header.service,
    sha256: Hash.bind(null, 'sha256'),
  });
  const [hostname, port] = (headers.host ?? '').split(':');
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname, port: port ? Number(port) : undefined, path: request.path, query: request.query, headers, body: request.body },
    { signingDate, signableHeaders: new Set(header.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? '';
  const a = Buffer.from(expected);
  const b = Buffer.from(header.signature);
  return a.length === b.length && timingSafeEqual(a, b) ? undefined : 'the request signature does not match';
}
