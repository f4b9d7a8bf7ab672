import { z } from 'zod';
import { configuredTracing, setTracingEnabled } from '../../telemetry/execution-trace';
import { ResourceNameSchema } from '../../../schemas/api/common';
import { stateMachineArn } from '../../core/arn';
import { currentBindings } from '../../resources/bindings';
import { unsupportedResources } from '../../resources/validate';
import { decodeCursor } from '../../service/cursor';
import type { ServiceDeps } from '../../service/deps';
import { getExecution } from '../../service/describe';
import {
  createStateMachine,
  deleteStateMachine,
  getStateMachine,
  listStateMachines,
  validateStateMachineDefinition,
  type StateMachineVersionRow,
} from '../../service/state-machines';
import { variableReferences } from '../../service/variable-references';
import { describeVersion } from '../../service/versions';
import {
  epochSeconds,
  executionIdOf,
  machineNotFound,
  parseStateMachineArn,
  stateMachineNameOf,
  stateMachineVersionArn,
} from './arn';
import { namingArn, SfnError } from './errors';
import { checkDefinitionText, nextTokenOf, PAGE_MEMBERS, pageSize, parseRequest } from './request';

/** `tags` of the Create actions: keys 1–128, values 0–256 characters. */
export const TagListSchema = z.array(z.object({ key: z.string().min(1).max(128), value: z.string().max(256) }));

const LoggingSchema = z.object({
  level: z.enum(['ALL', 'ERROR', 'FATAL', 'OFF']).optional(),
  includeExecutionData: z.boolean().optional(),
  destinations: z.array(z.unknown()).optional(),
});

const CreateSchema = z.object({
  name: z.string(),
  definition: z.string().min(1),
  roleArn: z.string().min(1).max(256),
  type: z.enum(['STANDARD', 'EXPRESS']).optional(),
  loggingConfiguration: LoggingSchema.optional(),
  tracingConfiguration: z.object({ enabled: z.boolean().optional() }).optional(),
  tags: TagListSchema.optional(),
  publish: z.boolean().optional(),
  versionDescription: z.string().max(256).optional(),
});

const UpdateSchema = z.object({
  stateMachineArn: z.string(),
  definition: z.string().min(1).optional(),
  roleArn: z.string().min(1).max(256).optional(),
  loggingConfiguration: LoggingSchema.optional(),
  tracingConfiguration: z.object({ enabled: z.boolean().optional() }).optional(),
  publish: z.boolean().optional(),
  versionDescription: z.string().max(256).optional(),
});

/** Validates a Step Functions resource name (`InvalidName`). */
export function checkName(name: string): void {
  if (!ResourceNameSchema.safeParse(name).success) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
}

/** The stored machine behind a machine ARN, or `StateMachineDoesNotExist`. */
function machineOf(deps: ServiceDeps, arn: unknown): Promise<StateMachineVersionRow> {
  return namingArn(String(arn), getStateMachine(deps, stateMachineNameOf(arn)));
}

/** The definition as Step Functions returns it: the text as submitted when known. */
function definitionOf(row: { definitionText: string | null; definition: unknown }): string {
  return row.definitionText ?? JSON.stringify(row.definition);
}

/** DescribeStateMachine's logging configuration: what was set, over Step Functions' defaults. */
function loggingOf(row: StateMachineVersionRow): Record<string, unknown> {
  return { level: 'OFF', includeExecutionData: false, ...(row.loggingConfiguration ?? {}) };
}

/** What DescribeStateMachine(ForExecution) says beside the definition: encryption, and the variables each state reads. */
function definitionFacts(definition: unknown): Record<string, unknown> {
  const references = variableReferences(definition);
  return {
    // Stepflow's data at rest is Postgres's: the equivalent of a key the service owns.
    encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
    ...(references ? { variableReferences: references } : {}),
  };
}

/** The Step Functions state machine actions. */
export const stateMachineActions = {
  async CreateStateMachine(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(CreateSchema, body);
    checkDefinitionText(request.definition);
    checkName(request.name);
    const { stateMachine, published } = await createStateMachine(
      deps,
      {
        name: request.name,
        definition: request.definition,
        type: request.type ?? 'STANDARD',
        roleArn: request.roleArn,
        loggingConfiguration: request.loggingConfiguration,
      },
      {
        onChangedDefinition: 'conflict',
        publish: request.publish,
        versionDescription: request.versionDescription,
        tags: request.tags,
      },
    );
    await setTracingEnabled(deps.pool, stateMachine.name, request.tracingConfiguration?.enabled);
    return {
      stateMachineArn: stateMachineArn(stateMachine.name),
      creationDate: epochSeconds(stateMachine.createdAt),
      ...(published
        ? { stateMachineVersionArn: stateMachineVersionArn(stateMachine.name, published.versionNumber) }
        : {}),
    };
  },

  async UpdateStateMachine(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(UpdateSchema, body);
    checkDefinitionText(request.definition);
    const current = await machineOf(deps, request.stateMachineArn);
    if (
      [request.definition, request.roleArn, request.loggingConfiguration, request.tracingConfiguration].every(
        (v) => v === undefined,
      )
    ) {
      throw new SfnError(
        'MissingRequiredParameter',
        'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified',
      );
    }
    const { published } = await createStateMachine(
      deps,
      {
        name: current.name,
        definition: request.definition ?? definitionOf(current),
        type: current.type,
        roleArn: request.roleArn,
        loggingConfiguration: request.loggingConfiguration,
      },
      { onChangedDefinition: 'new-version', publish: request.publish, versionDescription: request.versionDescription },
    );
    await setTracingEnabled(deps.pool, current.name, request.tracingConfiguration?.enabled);
    const updated = await getStateMachine(deps, current.name);
    return {
      updateDate: epochSeconds(updated.updatedAt),
      revisionId: updated.revisionId,
      ...(published ? { stateMachineVersionArn: stateMachineVersionArn(current.name, published.versionNumber) } : {}),
    };
  },

  async DescribeStateMachine(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ stateMachineArn: z.string() }), body);
    const ref = parseStateMachineArn(request.stateMachineArn, ['machine', 'version'], machineNotFound);
    const row = await namingArn(ref.arn, getStateMachine(deps, ref.name));
    const common = {
      name: row.name,
      status: 'ACTIVE',
      type: row.type,
      loggingConfiguration: loggingOf(row),
      tracingConfiguration: { enabled: configuredTracing(row.tracingEnabled) },
    };
    if (ref.version === undefined) {
      return {
        ...common,
        stateMachineArn: stateMachineArn(row.name),
        definition: definitionOf(row),
        roleArn: row.roleArn ?? '',
        creationDate: epochSeconds(row.createdAt),
        revisionId: row.revisionId,
        ...definitionFacts(row.definition),
      };
    }
    const version = await describeVersion(deps, ref.name, ref.version, ref.arn);
    return {
      ...common,
      stateMachineArn: ref.arn,
      definition: definitionOf(version),
      roleArn: version.roleArn ?? '',
      creationDate: epochSeconds(version.createdAt),
      revisionId: version.revisionId,
      ...(version.description !== null ? { description: version.description } : {}),
      ...definitionFacts(version.definition),
    };
  },

  async DescribeStateMachineForExecution(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ executionArn: z.string() }), body);
    const execution = await namingArn(request.executionArn, getExecution(deps, executionIdOf(request.executionArn)));
    const row = await namingArn(
      stateMachineArn(execution.stateMachine),
      getStateMachine(deps, execution.stateMachine, execution.version),
    );
    return {
      stateMachineArn: stateMachineArn(row.name),
      name: row.name,
      definition: JSON.stringify(row.definition),
      roleArn: row.roleArn ?? '',
      updateDate: epochSeconds(row.versionCreatedAt),
      loggingConfiguration: loggingOf(row),
      tracingConfiguration: { enabled: configuredTracing(row.tracingEnabled) },
      revisionId: row.revisionId,
      ...definitionFacts(row.definition),
    };
  },

  async DeleteStateMachine(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ stateMachineArn: z.string() }), body);
    await deleteStateMachine(deps, stateMachineNameOf(request.stateMachineArn));
    return {};
  },

  async ListStateMachines(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object(PAGE_MEMBERS), body);
    const after = decodeCursor(request.nextToken, z.string());
    const { stateMachines, next } = await listStateMachines(deps, pageSize(request.maxResults), after);
    return {
      stateMachines: stateMachines.map((row) => ({
        stateMachineArn: stateMachineArn(row.name),
        name: row.name,
        type: row.type,
        creationDate: epochSeconds(row.createdAt),
      })),
      ...nextTokenOf(next),
    };
  },

  async ValidateStateMachineDefinition(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({
        definition: z.string(),
        type: z.enum(['STANDARD', 'EXPRESS']).optional(),
        maxResults: z.number().int().min(0).max(100).optional(),
      }),
      body,
    );
    checkDefinitionText(request.definition);
    const { definition, problems } = validateStateMachineDefinition(request.definition, request.type ?? 'STANDARD');
    const limit = request.maxResults || 100;
    // Resources this deployment cannot run: warnings, as AWS reports what it will not check.
    const warnings = definition ? unsupportedResources(definition, currentBindings(deps.config, deps.log)) : [];
    const diagnostics = [
      ...problems.map((p) => ({ severity: 'ERROR', code: p.code, message: p.message, location: p.path || '/' })),
      ...warnings.map((w) => ({ severity: w.severity, code: w.code, message: w.message, location: w.location })),
    ];
    return {
      result: problems.length === 0 ? 'OK' : 'FAIL',
      diagnostics: diagnostics.slice(0, limit),
      truncated: diagnostics.length > limit,
    };
  },
};
