import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import type { TemporalSecurity } from './connection-options';

/** A Temporal client for the API (starting, describing and cancelling workflows). */
export async function createTemporalClient(
  address: string,
  namespace: string,
  security: TemporalSecurity = {},
): Promise<Client> {
  const connection = await Connection.connect({ address, ...security });
  // Starting a workflow makes a StartWorkflow span and carries its context in the workflow's headers.
  return new Client({
    connection,
    namespace,
    interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
  });
}
