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
      throw new Error(`cannot reach the Stepflow API at ${this.baseUrl} (${(err as Error).message}); is it running? (npm start)`);
    }
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ApiCallError(res.status, parsed?.__type ? { code: parsed.__type, message: parsed.message } : (parsed ?? {}));
    return parsed as T;
  }
}
