import { z } from 'zod';

/**
 * Connections in EventBridge's CreateConnection shape: what an HTTP Task's
 * `Authentication.ConnectionArn` names. Secrets (API key value, password, client secret, secret
 * parameters) are sealed at rest and never returned.
 */

const Key = z.string().min(1).max(512);
const Value = z.string().max(512);

const HttpParameters = z.strictObject({
  HeaderParameters: z
    .array(z.strictObject({ Key: Key, Value: Value, IsValueSecret: z.boolean().optional() }))
    .max(100)
    .optional(),
  QueryStringParameters: z
    .array(z.strictObject({ Key: Key, Value: Value, IsValueSecret: z.boolean().optional() }))
    .max(100)
    .optional(),
  BodyParameters: z
    .array(z.strictObject({ Key: Key, Value: Value, IsValueSecret: z.boolean().optional() }))
    .max(100)
    .optional(),
});

export const ConnectionAuthParametersSchema = z.strictObject({
  ApiKeyAuthParameters: z.strictObject({ ApiKeyName: Key, ApiKeyValue: Value.min(1) }).optional(),
  BasicAuthParameters: z.strictObject({ Username: Key, Password: Value.min(1) }).optional(),
  OAuthParameters: z
    .strictObject({
      AuthorizationEndpoint: z.url({ protocol: /^https?$/ }).max(2048),
      HttpMethod: z.enum(['GET', 'POST', 'PUT']),
      ClientParameters: z.strictObject({ ClientID: Key, ClientSecret: Value.min(1) }),
      OAuthHttpParameters: HttpParameters.optional(),
    })
    .optional(),
  InvocationHttpParameters: HttpParameters.optional(),
});

export const ConnectionNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[.\-_A-Za-z0-9]+$/, 'must be 1-64 letters, digits, ".", "-" or "_"');

export const CreateConnectionRequestSchema = z
  .strictObject({
    Name: ConnectionNameSchema,
    Description: z.string().max(512).optional(),
    AuthorizationType: z.enum(['API_KEY', 'BASIC', 'OAUTH_CLIENT_CREDENTIALS']),
    AuthParameters: ConnectionAuthParametersSchema,
  })
  .superRefine((request, ctx) => {
    const needed = {
      API_KEY: 'ApiKeyAuthParameters',
      BASIC: 'BasicAuthParameters',
      OAUTH_CLIENT_CREDENTIALS: 'OAuthParameters',
    } as const;
    const field = needed[request.AuthorizationType];
    if (!request.AuthParameters[field])
      ctx.addIssue({
        code: 'custom',
        path: ['AuthParameters', field],
        message: `${request.AuthorizationType} needs AuthParameters.${field}`,
      });
    for (const other of Object.values(needed))
      if (other !== field && request.AuthParameters[other])
        ctx.addIssue({
          code: 'custom',
          path: ['AuthParameters', other],
          message: `${other} does not go with AuthorizationType ${request.AuthorizationType}`,
        });
  });
export type CreateConnectionRequest = z.infer<typeof CreateConnectionRequestSchema>;

export const ConnectionParamsSchema = z.object({ name: ConnectionNameSchema });

/** A connection as described: no secret, only which parameters exist. */
export const ConnectionResponseSchema = z.object({
  connectionArn: z.string(),
  name: z.string(),
  description: z.string().optional(),
  authorizationType: z.enum(['API_KEY', 'BASIC', 'OAUTH_CLIENT_CREDENTIALS']),
  connectionState: z.literal('AUTHORIZED'),
  creationTime: z.string(),
  /** The non-secret parts of AuthParameters (API key name, user name, client id, endpoint, parameter keys). */
  authParameters: z.record(z.string(), z.unknown()),
});
export type ConnectionResponse = z.infer<typeof ConnectionResponseSchema>;

export const CreateConnectionResponseSchema = z.object({
  connectionArn: z.string(),
  connectionState: z.literal('AUTHORIZED'),
  creationTime: z.string(),
});

export const ConnectionListResponseSchema = z.object({ connections: z.array(ConnectionResponseSchema) });
