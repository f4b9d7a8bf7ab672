import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import { spansHeaderInterceptor, spansScheduleInterceptor } from '../telemetry/spans-header';
import type { TemporalSecurity } from './connection-options';

/**
 * A Temporal client for the API (starting, describing and cancelling workflows). `spans`: whether
 * the workflows it starts record spans (spansExported: the deployment exports them).
 */
export async function createTemporalClient(
  address: string,
  namespace: string,
  options: { security?: TemporalSecurity; spans: boolean },
): Promise<Client> {
  const connection = await Connection.connect({ address, ...options.security });
  // Starting a workflow makes a StartWorkflow span and carries its context in the workflow's headers.
  return new Client({
    connection,
    namespace,
    interceptors: {
      workflow: [new OpenTelemetryWorkflowClientInterceptor(), spansHeaderInterceptor(options.spans)],
      schedule: [spansScheduleInterceptor(options.spans)],
    },
  });
}
