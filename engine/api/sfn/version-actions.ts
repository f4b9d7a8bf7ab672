import { z } from 'zod';
import { decodeCursor } from '../../service/cursor';
import type { ServiceDeps } from '../../service/deps';
import { deleteVersion, listVersions, publishVersion } from '../../service/versions';
import { epochSeconds, machineNotFound, parseStateMachineArn, stateMachineVersionArn } from './arn';
import { nextTokenOf, PAGE_MEMBERS, pageSize, parseRequest } from './request';

/** The Step Functions actions on published state machine versions (`…:stateMachine:<name>:<n>`). */
export const versionActions = {
  async PublishStateMachineVersion(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(
      z.object({
        stateMachineArn: z.string(),
        revisionId: z.string().optional(),
        description: z.string().max(256).optional(),
      }),
      body,
    );
    const ref = parseStateMachineArn(request.stateMachineArn, ['machine'], machineNotFound);
    const { version } = await publishVersion(
      deps,
      ref.name,
      { description: request.description, revisionId: request.revisionId },
      ref.arn,
    );
    return {
      creationDate: epochSeconds(version.createdAt),
      stateMachineVersionArn: stateMachineVersionArn(ref.name, version.versionNumber),
    };
  },

  async ListStateMachineVersions(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ stateMachineArn: z.string(), ...PAGE_MEMBERS }), body);
    const ref = parseStateMachineArn(request.stateMachineArn, ['machine'], machineNotFound);
    const before = decodeCursor(request.nextToken, z.number().int().positive());
    const { versions, next } = await listVersions(
      deps,
      ref.name,
      { limit: pageSize(request.maxResults), before },
      ref.arn,
    );
    return {
      stateMachineVersions: versions.map((version) => ({
        stateMachineVersionArn: stateMachineVersionArn(ref.name, version.versionNumber),
        creationDate: epochSeconds(version.createdAt),
      })),
      ...nextTokenOf(next),
    };
  },

  async DeleteStateMachineVersion(deps: ServiceDeps, body: unknown) {
    const request = parseRequest(z.object({ stateMachineVersionArn: z.string() }), body);
    const ref = parseStateMachineArn(request.stateMachineVersionArn, ['version'], machineNotFound);
    await deleteVersion(deps, ref.name, ref.version as number);
    return {};
  },
};
