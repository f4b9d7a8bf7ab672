import { setTimeout as sleep } from 'node:timers/promises';
import { isGrpcServiceError, type Connection } from '@temporalio/client';
import { msNumberToTs } from '@temporalio/common/lib/time';
import type { Logger } from 'pino';

/** How long closed executions stay visible in a namespace Stepflow registers (Temporal requires a value). */
export const NAMESPACE_RETENTION_SECONDS = 3 * 24 * 3600;

/** gRPC status `ALREADY_EXISTS`. */
const GRPC_ALREADY_EXISTS = 6;

/** How long a new namespace may take to reach the frontend's namespace cache. */
const NAMESPACE_READY_TIMEOUT_MS = 30_000;
const NAMESPACE_POLL_MS = 250;

/** Thrown when a namespace does not become usable in time. */
export class NamespaceNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NamespaceNotReadyError';
  }
}

/**
 * Registers `namespace` unless it exists (a full Temporal server, unlike the CLI's dev server,
 * creates no `default` namespace), then waits until it is usable: `describeNamespace` answers
 * and a call that goes through the frontend's namespace cache (`listWorkflowExecutions`)
 * succeeds — the cache lags a registration by up to one refresh interval.
 */
export async function ensureNamespace(
  connection: Connection,
  namespace: string,
  log: Logger,
  timeoutMs = NAMESPACE_READY_TIMEOUT_MS,
): Promise<void> {
  const service = connection.workflowService;
  try {
    await service.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msNumberToTs(NAMESPACE_RETENTION_SECONDS * 1000),
    });
    log.info({ namespace }, 'temporal namespace registered');
  } catch (err) {
    if (!(isGrpcServiceError(err) && err.code === GRPC_ALREADY_EXISTS)) throw err;
  }

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await service.describeNamespace({ namespace });
      await service.listWorkflowExecutions({ namespace, pageSize: 1 });
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new NamespaceNotReadyError(
          `temporal namespace ${JSON.stringify(namespace)} not usable after ${timeoutMs} ms: ${(err as Error).message}`,
        );
      }
      log.debug({ namespace, err }, 'waiting for temporal namespace');
    }
    await sleep(NAMESPACE_POLL_MS);
  }
}
