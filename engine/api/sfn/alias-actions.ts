import { z } from 'zod';
import { AliasNameSchema } from '../../../schemas/api/common';
import {
  createAlias,
  deleteAlias,
  describeAlias,
  listAliases,
  updateAlias,
  type AliasRoute,
  type AliasRow,
} from '../../service/aliases';
import { decodeCursor } from '../../service/cursor';
import type { ServiceDeps } from '../../service/deps';
import { getStateMachine } from '../../service/state-machines';
import {
  epochSeconds,
  machineNotFound,
  parseStateMachineArn,
  resourceNotFound,
  stateMachineAliasArn,
  stateMachineVersionArn,
  type StateMachineRef,
} from './arn';
import { namingArn, SfnError } from './errors';
import { nextTokenOf, PAGE_MEMBERS, pageSize, parseRequest } from './request';

const RoutingSchema = z
  .array(z.object({ stateMachineVersionArn: z.string().min(1).max(2048), weight: z.number().int().min(0).max(100) }))
  .min(1)
  .max(2);

/**
 * Reads a routing configuration: every ARN a published version of one machine, distinct, weights
 * summing to 100 (`ValidationException` worded as Step Functions words it). Returns the machine and routes.
 */
function routesOf(routing: z.infer<typeof RoutingSchema>): { stateMachine: string; routes: AliasRoute[] } {
  const arns = routing.map((route) => route.stateMachineVersionArn);
  const refs: StateMachineRef[] = [];
  for (const arn of arns) {
    try {
      refs.push(parseStateMachineArn(arn, ['version'], resourceNotFound));
    } catch (err) {
      if (err instanceof SfnError && err.type === 'InvalidArn') {
        throw new SfnError(
          'ValidationException',
          `Routing configuration must contain state machine version ARNs. Received: [${arns.join(', ')}]`,
        );
      }
      throw err;
    }
  }
  if (new Set(refs.map((ref) => ref.name)).size > 1) {
    throw new SfnError(
      'ValidationException',
      `Routing configuration must contain state machine version ARNs of the same state machine. Received: [${arns.join(', ')}]`,
    );
  }
  if (new Set(arns).size !== arns.length) {
    throw new SfnError(
      'ValidationException',
      `Routing configuration must contain distinct state machine version ARNs. Received: [${arns.join(', ')}]`,
    );
  }
  if (routing.reduce((sum, route) => sum + route.weight, 0) !== 100) {
    throw new SfnError(
      'ValidationException',
      `Sum of routing configuration weights must equal 100. Received: [${routing.map((r) => r.weight).join(', ')}]`,
    );
  }
  return {
    stateMachine: refs[0].name,
    routes: refs.map((ref, i) => ({ versionNumber: ref.version as number, weight: routing[i].weight })),
  };
}

/** An alias ARN (`…:stateMachine:<name>:<alias>`). */
function aliasRefOf(arn: unknown): StateMachineRef & { alias: string } {
  return parseStateMachineArn(arn, ['alias'], resourceNotFound) as StateMachineRef & { alias: string };
}

/** DescribeStateMachineAlias's shape. */
function describe(alias: AliasRow) {
  return {
    stateMachineAliasArn: stateMachineAliasArn(alias.stateMachine, alias.name),
    name: alias.name,
    ...(alias.description !== null ? { description: alias.description } : {}),
    routingConfiguration: alias.routes.map((route) => ({
      stateMachineVersionArn: stateMachineVersionArn(alias.stateMachine, route.versionNumber),
      weight: route.weight,
    })),
    creationDate: epochSeconds(alias.createdAt),
    updateDate: epochSeconds(alias.updatedAt),
  };
}

/** The Step Functions actions on state machine aliases (`…:stateMachine:<name>:<alias>`). */
export const aliasActions = {
  async CreateStateMachineAlias(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({
        name: AliasNameSchema,
        description: z.string().max(256).optional(),
        routingConfiguration: RoutingSchema,
      }),
      body,
    );
    const { stateMachine, routes } = routesOf(request.routingConfiguration);
    const { alias } = await createAlias(deps, stateMachine, {
      name: request.name,
      description: request.description,
      routes,
    });
    return {
      stateMachineAliasArn: stateMachineAliasArn(stateMachine, alias.name),
      creationDate: epochSeconds(alias.createdAt),
    };
  },

  async UpdateStateMachineAlias(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({
        stateMachineAliasArn: z.string(),
        description: z.string().max(256).optional(),
        routingConfiguration: RoutingSchema.optional(),
      }),
      body,
    );
    const ref = aliasRefOf(request.stateMachineAliasArn);
    let routes: AliasRoute[] | undefined;
    if (request.routingConfiguration) {
      const routing = routesOf(request.routingConfiguration);
      if (routing.stateMachine !== ref.name) {
        throw new SfnError(
          'ValidationException',
          `Routing configuration must contain state machine version ARNs of the alias's state machine: '${ref.arn}'`,
        );
      }
      routes = routing.routes;
    }
    const alias = await updateAlias(deps, ref.name, ref.alias, { description: request.description, routes });
    return { updateDate: epochSeconds(alias.updatedAt) };
  },

  async DescribeStateMachineAlias(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ stateMachineAliasArn: z.string() }), body);
    const ref = aliasRefOf(request.stateMachineAliasArn);
    return describe(await describeAlias(deps, ref.name, ref.alias, ref.arn));
  },

  async ListStateMachineAliases(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ stateMachineArn: z.string(), ...PAGE_MEMBERS }), body);
    const ref = parseStateMachineArn(request.stateMachineArn, ['machine', 'version'], machineNotFound);
    const after = decodeCursor(request.nextToken, z.string());
    await namingArn(ref.arn, getStateMachine(deps, ref.name));
    const { aliases, next } = await listAliases(deps, ref.name, {
      limit: pageSize(request.maxResults),
      after,
      versionNumber: ref.version,
    });
    return {
      stateMachineAliases: aliases.map((alias) => ({
        stateMachineAliasArn: stateMachineAliasArn(alias.stateMachine, alias.name),
        creationDate: epochSeconds(alias.createdAt),
      })),
      ...nextTokenOf(next),
    };
  },

  async DeleteStateMachineAlias(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ stateMachineAliasArn: z.string() }), body);
    const ref = aliasRefOf(request.stateMachineAliasArn);
    await deleteAlias(deps, ref.name, ref.alias);
    return {};
  },
};
