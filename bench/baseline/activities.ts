import path from 'node:path';

/** The no-op function the Stepflow worker runs (bench/functions/noop.js), loaded once. */
export const NOOP_FUNCTION = path.resolve(__dirname, '..', '..', '..', 'bench', 'functions', 'noop.js');

type Handler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;

/** The hand-written baseline's activities: the same no-op function, nothing else. */
export function createBaselineActivities() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const handler = (require(NOOP_FUNCTION) as { handler: Handler }).handler;
  return {
    async noop(event: unknown): Promise<unknown> {
      return handler(event, {});
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
