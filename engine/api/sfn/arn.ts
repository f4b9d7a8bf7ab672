import { ARN_ACCOUNT, ARN_REGION, stateMachineArn } from '../../core/arn';
import { SfnError } from './errors';

const NAME = '([^\\s<>{}\\[\\]?*"#%\\\\^|~`$&,;:/\\u0000-\\u001f\\u007f-\\u009f]{1,80})';
const PREFIX = 'arn:aws:states:([a-z0-9-]+):(\\d{12})';
const STATE_MACHINE_ARN = new RegExp(`^${PREFIX}:stateMachine:${NAME}(?::([a-zA-Z0-9_.-]{1,80}))?$`, 'u');
// A Map Run's child: `…:execution:<machine>/<label>:<uuid>`.
const EXECUTION_ARN = new RegExp(
  `^${PREFIX}:(?:execution|express):(${NAME.slice(1, -1)}(?:/${NAME.slice(1, -1)})?):${NAME}$`,
  'u',
);
const ACTIVITY_ARN = new RegExp(`^${PREFIX}:activity:${NAME}$`, 'u');

/** What a state machine ARN names: the machine, one of its published versions, or one of its aliases. */
export interface StateMachineRef {
  arn: string;
  name: string;
  version?: number;
  alias?: string;
}

/** The kinds of state machine ARN an action accepts. */
export type StateMachineArnKind = 'machine' | 'version' | 'alias';

/** `InvalidArn` as Step Functions words it. */
export function invalidArn(arn: unknown): SfnError {
  const text = String(arn);
  return text.startsWith('arn:')
    ? new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${text}'`)
    : new SfnError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${text}'`);
}

/** `arn:aws:states:<region>:<account>:stateMachine:<name>:<version>`. */
export function stateMachineVersionArn(name: string, version: number): string {
  return `${stateMachineArn(name)}:${version}`;
}

/** `arn:aws:states:<region>:<account>:stateMachine:<name>:<alias>`. */
export function stateMachineAliasArn(name: string, alias: string): string {
  return `${stateMachineArn(name)}:${alias}`;
}

/** `arn:aws:states:<region>:<account>:activity:<name>`. */
export function activityArn(name: string): string {
  return `arn:aws:states:${ARN_REGION}:${ARN_ACCOUNT}:activity:${name}`;
}

/** True for ARNs of another region or account (nothing of theirs exists here). */
function foreign(match: RegExpExecArray): boolean {
  return match[1] !== ARN_REGION || match[2] !== ARN_ACCOUNT;
}

/**
 * Parses a state machine ARN: `…:stateMachine:<name>` (machine), `…:<digits>` (published
 * version) or `…:<alias>`. A malformed ARN, or a kind the action does not accept, is `InvalidArn`;
 * another region/account is `notFound` (the action's "does not exist" error).
 */
export function parseStateMachineArn(
  arn: unknown,
  accepted: StateMachineArnKind[],
  notFound: (arn: string) => SfnError,
): StateMachineRef {
  const match = typeof arn === 'string' ? STATE_MACHINE_ARN.exec(arn) : null;
  if (!match) throw invalidArn(arn);
  const qualifier = match[4];
  const ref: StateMachineRef =
    qualifier === undefined
      ? { arn: arn as string, name: match[3] }
      : /^\d+$/.test(qualifier)
        ? { arn: arn as string, name: match[3], version: Number(qualifier) }
        : { arn: arn as string, name: match[3], alias: qualifier };
  const kind: StateMachineArnKind =
    ref.version !== undefined ? 'version' : ref.alias !== undefined ? 'alias' : 'machine';
  if (!accepted.includes(kind)) throw invalidArn(arn);
  if (foreign(match)) throw notFound(arn as string);
  return ref;
}

/** `StateMachineDoesNotExist` naming the ARN. */
export function machineNotFound(arn: string): SfnError {
  return new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
}

/** `ResourceNotFound` naming the ARN. */
export function resourceNotFound(arn: string): SfnError {
  return new SfnError('ResourceNotFound', `Resource not found: '${arn}'`);
}

/** The state machine name in a machine ARN (no version or alias); `InvalidArn` otherwise. */
export function stateMachineNameOf(arn: unknown): string {
  return parseStateMachineArn(arn, ['machine'], machineNotFound).name;
}

/** The activity name in an activity ARN; `InvalidArn` otherwise, `notFound` for another region/account. */
export function activityNameOf(arn: unknown, notFound: (arn: string) => SfnError): string {
  const match = typeof arn === 'string' ? ACTIVITY_ARN.exec(arn) : null;
  if (!match) throw invalidArn(arn);
  if (foreign(match)) throw notFound(arn as string);
  return match[3];
}

/** What a taggable ARN names, when it is an activity or state machine ARN of ours. */
export function taggableOf(arn: unknown): { type: 'stateMachine' | 'activity'; name: string } | { type: 'other' } {
  if (typeof arn === 'string' && ACTIVITY_ARN.test(arn))
    return { type: 'activity', name: activityNameOf(arn, resourceNotFound) };
  const ref = parseStateMachineArn(arn, ['machine', 'version', 'alias'], resourceNotFound);
  return ref.version === undefined && ref.alias === undefined
    ? { type: 'stateMachine', name: ref.name }
    : { type: 'other' };
}

/** The execution id (`<stateMachine>:<name>`) of an execution ARN; `InvalidArn` otherwise. */
export function executionIdOf(arn: unknown): string {
  const match = typeof arn === 'string' ? EXECUTION_ARN.exec(arn) : null;
  if (!match) throw invalidArn(arn);
  if (foreign(match)) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  return `${match[3]}:${match[4]}`;
}

/** Step Functions timestamps on the wire: epoch seconds. */
export function epochSeconds(date: Date | string): number {
  return (typeof date === 'string' ? Date.parse(date) : date.getTime()) / 1000;
}
