import { z } from 'zod';
import { stateMachineArn } from '../../core/arn';
import { validateDefinition, parseDefinition } from '../../core/validate';
import { deleteStateMachine, findVersion, listStateMachines } from '../../db/state-machines-repo';
import type { ServiceDeps } from '../../executions/deps';
import { createStateMachine } from '../../executions/state-machines';
import { epochSeconds, executionIdOf, stateMachineNameOf } from './arn';
import { SfnError } from './errors';
import { decodeToken, encodeToken, pageSize, parseRequest } from './request';
import { findExecution } from '../../db/executions-repo';
import { ResourceNameSchema } from '../../../schemas/api/common';

const CreateSchema = z.object({
  name: z.string(),
  definition: z.string(),
  roleArn: z.string(),
  type: z.enum(['STANDARD', 'EXPRESS']).optional(),
});

/** Validates a Step Functions resource name (`InvalidName`). */
function checkName(name: string): void {
  if (!ResourceNameSchema.safeParse(name).success) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
}

/** The stored machine behind an ARN, or `StateMachineDoesNotExist`. */
async function machineOf(deps: ServiceDeps, arn: unknown) {
  const name = stateMachineNameOf(arn);
  const row = await findVersion(deps.pool, name);
  if (!row) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  return row;
}

/** The Step Functions state machine actions. */
export const stateMachineActions = {
  async CreateStateMachine(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(CreateSchema, body);
    checkName(request.name);
    const { stateMachine } = await createStateMachine(
      deps,
      { name: request.name, definition: request.definition, type: request.type ?? 'STANDARD', roleArn: request.roleArn },
      { onChangedDefinition: 'conflict' },
    );
    return { stateMachineArn: stateMachineArn(stateMachine.name), creationDate: epochSeconds(stateMachine.createdAt) };
  },

  async UpdateStateMachine(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ stateMachineArn: z.string(), definition: z.string().optional(), roleArn: z.string().optional() }), body);
    const current = await machineOf(deps, request.stateMachineArn);
    if (request.definition === undefined && request.roleArn === undefined) {
      throw new SfnError('MissingRequiredParameter', 'Either the definition or the roleArn must be specified');
    }
    const { stateMachine } = await createStateMachine(deps, {
      name: current.name,
      definition: request.definition ?? current.definition,
      type: current.type,
      roleArn: request.roleArn,
    });
    return { updateDate: epochSeconds(stateMachine.versionCreatedAt), revisionId: stateMachine.definitionHash };
  },

  async DescribeStateMachine(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ stateMachineArn: z.string() }), body);
    const row = await machineOf(deps, request.stateMachineArn);
    return {
      stateMachineArn: stateMachineArn(row.name),
      name: row.name,
      status: 'ACTIVE',
      definition: JSON.stringify(row.definition),
      roleArn: row.roleArn ?? '',
      type: row.type,
      creationDate: epochSeconds(row.createdAt),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
      revisionId: row.definitionHash,
    };
  },

  async DescribeStateMachineForExecution(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ executionArn: z.string() }), body);
    const execution = await findExecution(deps.pool, executionIdOf(request.executionArn));
    if (!execution) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${request.executionArn}'`);
    const row = await findVersion(deps.pool, execution.stateMachine, execution.version);
    if (!row) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${execution.stateMachine}'`);
    return {
      stateMachineArn: stateMachineArn(row.name),
      name: row.name,
      definition: JSON.stringify(row.definition),
      roleArn: row.roleArn ?? '',
      updateDate: epochSeconds(row.versionCreatedAt),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
      revisionId: row.definitionHash,
    };
  },

  async DeleteStateMachine(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ stateMachineArn: z.string() }), body);
    await deleteStateMachine(deps.pool, stateMachineNameOf(request.stateMachineArn));
    return {};
  },

  async ListStateMachines(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ maxResults: z.number().int().min(0).max(1000).optional(), nextToken: z.string().optional() }), body);
    const limit = pageSize(request.maxResults);
    const after = request.nextToken === undefined ? undefined : (decodeToken(request.nextToken) as string);
    const rows = await listStateMachines(deps.pool, limit + 1, after);
    const page = rows.slice(0, limit);
    return {
      stateMachines: page.map((row) => ({
        stateMachineArn: stateMachineArn(row.name),
        name: row.name,
        type: row.type,
        creationDate: epochSeconds(row.createdAt),
      })),
      ...(rows.length > limit ? { nextToken: encodeToken(page[page.length - 1].name) } : {}),
    };
  },

  async ValidateStateMachineDefinition(_deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ definition: z.string(), type: z.enum(['STANDARD', 'EXPRESS']).optional(), maxResults: z.number().int().min(0).max(100).optional() }), body);
    const parsed = parseDefinition(request.definition);
    const problems = parsed.definition ? validateDefinition(parsed.definition) : parsed.problems;
    const limit = request.maxResults || 100;
    return {
      result: problems.length === 0 ? 'OK' : 'FAIL',
      diagnostics: problems.slice(0, limit).map((p) => ({ severity: 'ERROR', code: p.code, message: p.message, location: p.path || '/' })),
      truncated: problems.length > limit,
    };
  },
};
