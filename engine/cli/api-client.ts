import type { Config } from '../../schemas/config';
/** An error answer of the API, with its problems when the definition was invalid. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: { code?: string; message?: string; problems?: { code: string; path: string; message: string }[] },
  ) {
    super(body.message ?? `HTTP ${status}`);
    this.name = 'ApiCallError';
  }
}

/** A small client of Stepflow's REST API for the CLI. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    /** `<id>.<secret>` of an API key, sent as `Authorization: Bearer`. */
    private readonly apiKey?: string,
  ) {}

  /** Sends a JSON request; an error answer throws `ApiCallError` (Step Functions `__type` as `code`). */
  async request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(headers ?? (body === undefined ? {} : { 'content-type': 'application/json' })),
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(
        `cannot reach the Stepflow API at ${this.baseUrl} (${(err as Error).message}); is it running? (npm start)`,
      );
    }
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok)
      throw new ApiCallError(
        res.status,
        parsed?.__type ? { code: parsed.__type, message: parsed.message } : (parsed ?? {}),
      );
    return parsed as T;
  }

  /**
   * Reads a Server-Sent Events stream (`GET` with `Accept: text/event-stream`) to its end, yielding
   * each event's `data` parsed as JSON; an error answer throws `ApiCallError`.
   */
  async *events<T = any>(path: string): AsyncGenerator<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        headers: { accept: 'text/event-stream', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
      });
    } catch (err) {
      throw new Error(
        `cannot reach the Stepflow API at ${this.baseUrl} (${(err as Error).message}); is it running? (npm start)`,
      );
    }
    if (!res.ok || !res.body) {
      const text = await res.text();
      throw new ApiCallError(res.status, text ? JSON.parse(text) : {});
    }
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: history$/m.test(block) && data !== undefined) yield JSON.parse(data) as T;
        if (/^event: error$/m.test(block) && data !== undefined) throw new ApiCallError(401, JSON.parse(data));
      }
    }
  }
}

/** The client a command talks through: its `--url`/`--key` first, then STEPFLOW_URL/STEPFLOW_API_KEY, then HOST:PORT. */
export function apiClientOf(config: Config, url: string | undefined, key: string | undefined): ApiClient {
  return new ApiClient(
    url ?? config.STEPFLOW_URL ?? `http://${config.HOST}:${config.PORT}`,
    key ?? config.STEPFLOW_API_KEY,
  );
}
