import { Client, Connection } from '@temporalio/client';

/** A Temporal client for the API (starting, describing and cancelling workflows). */
export async function createTemporalClient(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}
