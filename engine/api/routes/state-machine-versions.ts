import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AliasListResponseSchema,
  AliasParamsSchema,
  AliasResponseSchema,
  PageQuerySchema,
  PublishedVersionResponseSchema,
  PublishVersionRequestSchema,
  PutAliasRequestSchema,
  StateMachineParamsSchema,
  VersionListResponseSchema,
  type AliasResponse,
  type PublishedVersionResponse,
} from '../../../schemas/api/state-machines';
import { deleteAlias, describeAlias, listAliases, putAlias, type AliasRow } from '../../service/aliases';
import type { ServiceDeps } from '../../service/deps';
import { getStateMachine } from '../../service/state-machines';
import { describeVersion, listVersions, publishVersion, type PublishedVersionRow } from '../../service/versions';
import { ApiError } from '../errors';
import { definitionBytes } from '../json-limits';

/** The `next` of the versions list: the version number the previous page ended at. */
function versionCursor(next: string): number {
  if (!/^[1-9]\d{0,8}$/.test(next)) throw new ApiError('INVALID_CURSOR', 'The cursor is not one this API returned');
  return Number(next);
}

/** Versions read per query while a list page is filled (each holds a definition of up to 1 MiB). */
const VERSION_CHUNK = 10;
/** A versions page stops before its definitions pass this many bytes (it always holds one). */
const VERSION_PAGE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * A page of published versions, newest first: `limit` at most, and no more than
 * VERSION_PAGE_MAX_BYTES of definitions, read VERSION_CHUNK at a time so that a page of a
 * thousand 1 MiB definitions is never loaded at once.
 */
async function versionPage(
  deps: ServiceDeps,
  name: string,
  limit: number,
  next: string | undefined,
): Promise<{ versions: PublishedVersionRow[]; more: boolean }> {
  const page: PublishedVersionRow[] = [];
  let before = next === undefined ? undefined : versionCursor(next);
  let bytes = 0;
  for (;;) {
    const chunk = await listVersions(deps, name, { limit: Math.min(VERSION_CHUNK, limit - page.length), before });
    for (const version of chunk.versions) {
      bytes += definitionBytes(version.definition);
      if (page.length > 0 && bytes > VERSION_PAGE_MAX_BYTES) return { versions: page, more: true };
      page.push(version);
    }
    if (chunk.next === undefined) return { versions: page, more: false };
    if (page.length === limit) return { versions: page, more: true };
    before = chunk.next;
  }
}

/** The REST view of a published version. */
function toVersionResponse(row: PublishedVersionRow): PublishedVersionResponse {
  return {
    stateMachine: row.stateMachine,
    version: row.versionNumber,
    ...(row.description !== null ? { description: row.description } : {}),
    revisionId: row.revisionId,
    definition: row.definition,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The REST view of an alias. */
function toAliasResponse(row: AliasRow): AliasResponse {
  return {
    stateMachine: row.stateMachine,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    routes: row.routes.map((route) => ({ version: route.versionNumber, weight: route.weight })),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

const VersionParamsSchema = z.object({ name: z.string(), version: z.coerce.number().int().positive() });

/** `/v1/state-machines/{name}/versions` and `/aliases`: the same use cases as the Step Functions protocol. */
export const stateMachineVersionRoutes: FastifyPluginAsyncZod<{ deps: ServiceDeps }> = async (app, { deps }) => {
  app.post(
    '/v1/state-machines/:name/versions',
    {
      schema: {
        params: StateMachineParamsSchema,
        body: PublishVersionRequestSchema.optional(),
        response: { 200: PublishedVersionResponseSchema, 201: PublishedVersionResponseSchema },
      },
    },
    async (request, reply) => {
      const { version, created } = await publishVersion(deps, request.params.name, request.body ?? {});
      return reply.status(created ? 201 : 200).send(toVersionResponse(version));
    },
  );

  app.get(
    '/v1/state-machines/:name/versions',
    {
      schema: {
        params: StateMachineParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: VersionListResponseSchema },
      },
    },
    async (request) => {
      const { versions, more } = await versionPage(deps, request.params.name, request.query.limit, request.query.next);
      const last = versions[versions.length - 1];
      return {
        versions: versions.map(toVersionResponse),
        ...(more && last ? { next: String(last.versionNumber) } : {}),
      };
    },
  );

  app.get(
    '/v1/state-machines/:name/versions/:version',
    { schema: { params: VersionParamsSchema, response: { 200: PublishedVersionResponseSchema } } },
    async (request) =>
      toVersionResponse(
        await describeVersion(
          deps,
          request.params.name,
          request.params.version,
          `${request.params.name}:${request.params.version}`,
        ),
      ),
  );

  app.get(
    '/v1/state-machines/:name/aliases',
    {
      schema: {
        params: StateMachineParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: AliasListResponseSchema },
      },
    },
    async (request) => {
      await getStateMachine(deps, request.params.name);
      const { aliases, next } = await listAliases(deps, request.params.name, {
        limit: request.query.limit,
        after: request.query.next,
      });
      return { aliases: aliases.map(toAliasResponse), ...(next !== undefined ? { next } : {}) };
    },
  );

  app.get(
    '/v1/state-machines/:name/aliases/:alias',
    { schema: { params: AliasParamsSchema, response: { 200: AliasResponseSchema } } },
    async (request) =>
      toAliasResponse(
        await describeAlias(
          deps,
          request.params.name,
          request.params.alias,
          `${request.params.name}:${request.params.alias}`,
        ),
      ),
  );

  app.put(
    '/v1/state-machines/:name/aliases/:alias',
    {
      schema: {
        params: AliasParamsSchema,
        body: PutAliasRequestSchema,
        response: { 200: AliasResponseSchema, 201: AliasResponseSchema },
      },
    },
    async (request, reply) => {
      const { name, alias } = request.params;
      const routes = request.body.routes.map((route) => ({ versionNumber: route.version, weight: route.weight }));
      const put = await putAlias(deps, name, { name: alias, description: request.body.description, routes });
      return reply.status(put.created ? 201 : 200).send(toAliasResponse(put.alias));
    },
  );

  app.delete(
    '/v1/state-machines/:name/aliases/:alias',
    { schema: { params: AliasParamsSchema } },
    async (request, reply) => {
      await deleteAlias(deps, request.params.name, request.params.alias);
      return reply.status(204).send();
    },
  );
};
