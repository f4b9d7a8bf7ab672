import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { validateDefinition } from '../engine/core/validate';
import type { CaseResult, Target } from './campaign';
import { definitionArb, inputArb, poisonedDefinitionArb } from './definitions';
import { materialize, showValue } from './hostile';
import type { FuzzStack } from './stack';

/** Worker exits after which no further execution is started (the worker crash-loops). */
const MAX_WORKER_EXITS = 3;

/** How long one real execution may take: tame definitions end within seconds (waits ≤ 1 s, few short retries). */
const EXECUTION_DEADLINE_MS = 120_000;
const POLL_MS = 250;
const TERMINAL_EVENTS = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

/** A real execution's case: a tame definition the validator accepts, and an input. */
export interface ExecutionCase {
  definition: Record<string, unknown>;
  input: unknown;
}

/**
 * Accepted tame definitions run as real executions (API in this process, the stack's worker
 * process, real Temporal and Postgres): every execution must reach a terminal status with a
 * whole history (ids 1..n, the closing event last). Worker crashes are read from the stack.
 * Not shrunk: a real execution is too slow to replay hundreds of times.
 */
export function executionsTarget(app: FastifyInstance, stack: FuzzStack): Target<ExecutionCase> {
  const tame = { tame: true };
  // The API refuses `__proto__` members (Fastify's prototype-poisoning guard): such definitions are the api target's.
  const accepted = (definition: Record<string, unknown>) =>
    validateDefinition(materialize(definition)).length === 0 && !JSON.stringify(definition).includes('"__proto__"');
  // One execution in twenty starts with known poison: the worker must survive it and end it.
  const definition = fc
    .oneof({ arbitrary: definitionArb(tame), weight: 19 }, { arbitrary: poisonedDefinitionArb(), weight: 1 })
    .filter(accepted);
  const arbitrary = fc.record({ definition, input: inputArb(tame) });
  let counter = 0;
  return {
    name: 'executions',
    arbitrary,
    concurrency: 4,
    shrink: false,
    stopReason: () =>
      stack.workerExits.length >= MAX_WORKER_EXITS
        ? `the worker exited ${stack.workerExits.length} times (crash loop): no further executions started`
        : undefined,
    show: (testCase) => `definition: ${showValue(testCase.definition)}  input: ${showValue(testCase.input)}`,
    async run(testCase): Promise<CaseResult> {
      const name = `fz-exec-${process.pid}-${counter++}`;
      const json = (body: unknown) => JSON.stringify(body);
      const created = await app.inject({
        method: 'POST',
        url: '/v1/state-machines',
        headers: { 'content-type': 'application/json' },
        payload: json({ name, definition: materialize(testCase.definition) }),
      });
      if (created.statusCode >= 300) {
        return {
          tags: ['not created'],
          failure: { signature: `create answered ${created.statusCode}`, detail: created.body.slice(0, 500) },
        };
      }
      const started = await app.inject({
        method: 'POST',
        url: `/v1/state-machines/${name}/executions`,
        headers: { 'content-type': 'application/json' },
        payload: json({ input: materialize(testCase.input) }),
      });
      if (started.statusCode >= 300) {
        return {
          tags: ['not started'],
          failure: { signature: `start answered ${started.statusCode}`, detail: started.body.slice(0, 500) },
        };
      }
      const id = encodeURIComponent(String((started.json() as { executionId: string }).executionId));
      const deadline = Date.now() + EXECUTION_DEADLINE_MS;
      for (;;) {
        const described = await app.inject({ method: 'GET', url: `/v1/executions/${id}` });
        const status = (described.json() as { status?: string }).status;
        if (status && status !== 'RUNNING') {
          const history = await app.inject({ method: 'GET', url: `/v1/executions/${id}/history` });
          const events = (history.json() as { events?: { id: number; type: string }[] }).events ?? [];
          const gap = events.findIndex((event, i) => event.id !== i + 1);
          const last = events[events.length - 1]?.type ?? 'none';
          if (gap >= 0 || !TERMINAL_EVENTS.has(last)) {
            return {
              tags: [status],
              failure: {
                signature: 'history not whole',
                detail: `${status}: ${events.length} events, ${gap >= 0 ? `event ${gap} has id ${events[gap]?.id}` : `last is ${last}`}`,
              },
            };
          }
          return { tags: [status, ...(testCase.definition.StartAt === 'Poison' ? ['poison'] : [])] };
        }
        if (Date.now() > deadline) {
          return {
            tags: ['stuck'],
            failure: {
              signature: 'execution not terminal',
              detail: `still ${status} after ${EXECUTION_DEADLINE_MS} ms (${decodeURIComponent(id)})`,
            },
          };
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
  };
}
