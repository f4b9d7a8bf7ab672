import http from 'node:http';
import https from 'node:https';
import { EgressRefused, pinnedAddress, type EgressPolicy } from './egress';

/** One HTTP request as the resource activities send it. */
export interface OutgoingRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** The answer, body as text (at most MAX_RESPONSE_BYTES). */
export interface IncomingResponse {
  status: number;
  statusText: string;
  headers: Record<string, string[]>;
  body: string;
  url: URL;
}

/** Thrown for a socket failure or a timeout (HTTP Task: `States.Http.Socket`). */
export class SocketFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SocketFailure';
  }
}

/** Responses larger than this are refused (a state's payload is at most 256 KiB anyway). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;
const SENSITIVE = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * Sends one request (following up to 5 redirects), every address checked by `policy` when one is
 * given (trusted endpoints pass none) and connected to as resolved (pinned). Aborts with
 * SocketFailure after `timeoutMs` or when `signal` fires.
 */
export async function sendRequest(
  request: OutgoingRequest,
  options: { policy?: EgressPolicy; timeoutMs: number; signal?: AbortSignal },
): Promise<IncomingResponse> {
  const deadline = Date.now() + options.timeoutMs;
  let current = request;
  for (let hop = 0; ; hop++) {
    const response = await once(current, options.policy, deadline, options.signal);
    const location = response.headers.location?.[0];
    if (![301, 302, 303, 307, 308].includes(response.status) || location === undefined) return response;
    if (hop >= MAX_REDIRECTS)
      throw new SocketFailure(`more than ${MAX_REDIRECTS} redirects from ${request.url.origin}`);
    const next = new URL(location, current.url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      throw new EgressRefused(`a redirect to '${next.protocol}' is refused`);
    const toGet =
      response.status === 303 || ((response.status === 301 || response.status === 302) && current.method === 'POST');
    const headers = { ...current.headers };
    // Credentials never follow a redirect to another origin.
    if (next.origin !== current.url.origin)
      for (const name of Object.keys(headers)) if (SENSITIVE.includes(name.toLowerCase())) delete headers[name];
    if (toGet) for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
    current = { url: next, method: toGet ? 'GET' : current.method, headers, ...(toGet ? {} : { body: current.body }) };
  }
}

async function once(
  request: OutgoingRequest,
  policy: EgressPolicy | undefined,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<IncomingResponse> {
  const { url } = request;
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new EgressRefused(`the scheme '${url.protocol}' is refused`);
  // Resolved once and pinned: the connection goes to the address that was checked.
  const pinned = policy ? await pinnedAddress(url, policy) : undefined;
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw new SocketFailure('the request timed out');
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<IncomingResponse>((resolve, reject) => {
    const req = client.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: {
          ...request.headers,
          ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}),
        },
        ...(pinned
          ? {
              lookup: (
                _host: string,
                // Node asks for every address (`all`) when it races IPv4 and IPv6: the pinned one only.
                opts: { all?: boolean },
                cb: (
                  err: Error | null,
                  address: string | { address: string; family: number }[],
                  family?: number,
                ) => void,
              ) => (opts.all ? cb(null, [pinned]) : cb(null, pinned.address, pinned.family)),
            }
          : {}),
        ...(url.protocol === 'https:' ? { servername: url.hostname } : {}),
        signal,
        timeout: remaining,
      } as https.RequestOptions,
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new SocketFailure(`the response is larger than ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const headers: Record<string, string[]> = {};
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i].toLowerCase();
            (headers[name] ??= []).push(res.rawHeaders[i + 1]);
          }
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers,
            body: Buffer.concat(chunks).toString('utf8'),
            url,
          });
        });
        res.on('error', (err) => reject(err instanceof SocketFailure ? err : new SocketFailure(err.message)));
      },
    );
    const timer = setTimeout(() => req.destroy(new SocketFailure('the request timed out')), remaining);
    req.on('timeout', () => req.destroy(new SocketFailure('the request timed out')));
    req.on('error', (err) =>
      reject(err instanceof SocketFailure || err instanceof EgressRefused ? err : new SocketFailure(err.message)),
    );
    req.on('close', () => clearTimeout(timer));
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}
