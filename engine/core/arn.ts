/** Region and account in the ARNs Stepflow mints (Step Functions' ARN shape, local values). */
export const ARN_REGION = 'us-east-1';
export const ARN_ACCOUNT = '000000000000';

/** `arn:aws:states:<region>:<account>:stateMachine:<name>`. */
export function stateMachineArn(name: string): string {
  return `arn:aws:states:${ARN_REGION}:${ARN_ACCOUNT}:stateMachine:${name}`;
}

/** `arn:aws:states:<region>:<account>:execution:<stateMachine>:<name>`. */
export function executionArn(stateMachine: string, name: string): string {
  return `arn:aws:states:${ARN_REGION}:${ARN_ACCOUNT}:execution:${stateMachine}:${name}`;
}

/**
 * The ARN of a stored execution from its id: `…:execution:<stateMachine>:<name>`, and for a Map
 * Run's child (id `<stateMachine>/<label>:<uuid>`) `…:execution:<stateMachine>/<label>:<uuid>`.
 */
export function executionArnOfId(executionId: string): string {
  return `arn:aws:states:${ARN_REGION}:${ARN_ACCOUNT}:execution:${executionId}`;
}

/** The state machine ARN an execution reports: a Map Run child's is `…:stateMachine:<machine>/<label>`. */
export function stateMachineArnOfId(executionId: string, stateMachine: string): string {
  const slash = executionId.indexOf('/');
  const colon = executionId.lastIndexOf(':');
  return slash > 0 && slash < colon ? stateMachineArn(executionId.slice(0, colon)) : stateMachineArn(stateMachine);
}

/** The execution id used by the REST API and as the Temporal workflow id: `<stateMachine>:<name>`. */
export function executionId(stateMachine: string, name: string): string {
  return `${stateMachine}:${name}`;
}

/** The IAM role ARN reported in `$$.Execution.RoleArn` and `ExecutionStarted` (no IAM here). */
export function roleArn(stateMachine: string): string {
  return `arn:aws:iam::${ARN_ACCOUNT}:role/stepflow-${stateMachine}`;
}
