/**
 * Any console action as a command to paste: the stepflow CLI, the aws CLI (Step Functions
 * protocol on the same endpoint) and an AWS SDK for JavaScript v3 call.
 */

export type Action =
  | {
      kind: 'start';
      stateMachine: string;
      input: string;
      name?: string;
      /** A published version (`'3'`) or an alias name to run instead of the current definition. */
      qualifier?: string;
    }
  | { kind: 'stop'; executionArn: string; executionId: string }
  | { kind: 'redrive'; executionArn: string; executionId: string };

export interface Commands {
  cli: string;
  aws: string;
  sdk: string;
}

/** The ARN Stepflow gives a state machine (same region and account as its executions' ARNs). */
export function stateMachineArn(name: string): string {
  return `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
}

/** A POSIX shell word: single-quoted, with `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The three forms of an action against the API at `endpoint`. */
export function commandsFor(action: Action, endpoint: string): Commands {
  const env = `STEPFLOW_URL=${shellQuote(endpoint)}`;
  const client = `const client = new SFNClient({ endpoint: ${JSON.stringify(endpoint)}, region: 'us-east-1' });`;
  switch (action.kind) {
    case 'start': {
      const name = action.name ? ` --name ${shellQuote(action.name)}` : '';
      const target = action.qualifier === undefined ? '' : `:${action.qualifier}`;
      const params = {
        stateMachineArn: `${stateMachineArn(action.stateMachine)}${target}`,
        ...(action.name ? { name: action.name } : {}),
        input: action.input,
      };
      const body = {
        input: JSON.parse(action.input) as unknown,
        ...(action.name ? { name: action.name } : {}),
        ...(action.qualifier === undefined
          ? {}
          : /^\d+$/.test(action.qualifier)
            ? { version: Number(action.qualifier) }
            : { alias: action.qualifier }),
      };
      // `stepflow start` runs the current definition: a version or an alias goes through the REST API.
      const cli =
        action.qualifier === undefined
          ? `${env} npx stepflow start ${shellQuote(action.stateMachine)}${action.name ? ` --name ${shellQuote(action.name)}` : ''} --input ${shellQuote(action.input)}`
          : `curl -sS -X POST ${shellQuote(`${endpoint}/v1/state-machines/${encodeURIComponent(action.stateMachine)}/executions`)} -H 'content-type: application/json' -d ${shellQuote(JSON.stringify(body))}`;
      return {
        cli,
        aws: `aws stepfunctions start-execution --endpoint-url ${shellQuote(endpoint)} --state-machine-arn ${shellQuote(params.stateMachineArn)}${name} --input ${shellQuote(action.input)}`,
        sdk: sdk('StartExecutionCommand', client, params),
      };
    }
    case 'stop':
      return {
        cli: `${env} npx stepflow stop ${shellQuote(action.executionId)}`,
        aws: `aws stepfunctions stop-execution --endpoint-url ${shellQuote(endpoint)} --execution-arn ${shellQuote(action.executionArn)}`,
        sdk: sdk('StopExecutionCommand', client, { executionArn: action.executionArn }),
      };
    case 'redrive':
      return {
        cli: `${env} npx stepflow redrive ${shellQuote(action.executionId)}`,
        aws: `aws stepfunctions redrive-execution --endpoint-url ${shellQuote(endpoint)} --execution-arn ${shellQuote(action.executionArn)}`,
        sdk: sdk('RedriveExecutionCommand', client, { executionArn: action.executionArn }),
      };
  }
}

function sdk(command: string, client: string, params: Record<string, string>): string {
  return [
    `import { SFNClient, ${command} } from '@aws-sdk/client-sfn';`,
    client,
    `await client.send(new ${command}(${JSON.stringify(params, null, 2)}));`,
  ].join('\n');
}
