import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';

/** The parent's Stepflow history of a Map state that ran one Map Run to success. */
export const MAP_RUN_HISTORY = [
  'ExecutionStarted',
  'MapStateEntered',
  'MapStateStarted',
  'MapRunStarted',
  'MapRunSucceeded',
  'MapStateSucceeded',
  'MapStateExited',
  'ExecutionSucceeded',
];

/** Every child execution of a Map Run (ListExecutions by mapRunArn, all pages). */
export async function childrenOf(sfn: SFNClient, mapRunArn: string): Promise<any[]> {
  const all: any[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ mapRunArn, maxResults: 1000, nextToken }));
    all.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}
