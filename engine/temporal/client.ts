import { Client, Connection } from '@temporalio/client';
import type { TemporalSecurity } from './connection-options';

/** A Temporal client for the API (starting, describing and cancelling workflows). */
export async function createTemporalClient(
  address: string,
  namespace: string,
  security: TemporalSecurity = {},
): Promise<Client> {
  const connection = await Connection.connect({ address, ...security });
  return new Client({ connection, namespace });
}
