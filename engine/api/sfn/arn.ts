import { ARN_ACCOUNT, ARN_REGION } from '../../core/arn';
import { SfnError } from './errors';

const NAME = '([^\\s:?*<>{}\\[\\]"#%\\\\^|~`$&,;/]{1,80})';
const STATE_MACHINE_ARN = new RegExp(`^arn:aws:states:([a-z0-9-]+):(\\d{12}):stateMachine:${NAME}$`);
const EXECUTION_ARN = new RegExp(`^arn:aws:states:([a-z0-9-]+):(\\d{12}):(?:execution|express):${NAME}:${NAME}$`);

/** The state machine name in a state machine ARN; `InvalidArn` otherwise, `StateMachineDoesNotExist` for another region/account. */
export function stateMachineNameOf(arn: unknown): string {
  const match = typeof arn === 'string' ? STATE_MACHINE_ARN.exec(arn) : null;
  if (!match) throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${String(arn)}'`);
  if (match[1] !== ARN_REGION || match[2] !== ARN_ACCOUNT) {
    throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  }
  return match[3];
}

/** The execution id (`<stateMachine>:<name>`) of an execution ARN; `InvalidArn` otherwise. */
export function executionIdOf(arn: unknown): string {
  const match = typeof arn === 'string' ? EXECUTION_ARN.exec(arn) : null;
  if (!match) throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${String(arn)}'`);
  if (match[1] !== ARN_REGION || match[2] !== ARN_ACCOUNT) {
    throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  }
  return `${match[3]}:${match[4]}`;
}

/** Step Functions timestamps on the wire: epoch seconds. */
export function epochSeconds(date: Date | string): number {
  return (typeof date === 'string' ? Date.parse(date) : date.getTime()) / 1000;
}
