import type { WorkerOptions } from '@temporalio/worker';
import { loadConfig } from '../../engine/config';
import { installTracing } from '../../engine/telemetry/tracing';
import { workerTracingOptions } from '../../engine/telemetry/worker-tracing';

/**
 * The production worker's sinks, for replay workers: the bundled tracing interceptors export
 * spans through a sink, which is never called during replay but must be registered, as it is
 * on every real worker.
 */
export function replaySinks(): WorkerOptions['sinks'] {
  return workerTracingOptions(installTracing(loadConfig({}), 'replay', { memory: true })).sinks;
}
