import type { Pool } from 'pg';
import type { Config } from '../../schemas/config';
import type { ResourceActivityDeps } from '../../activities/resources';
import { tokenSigner } from '../../activities/token-signer';
import { masterKeyOf } from '../service/key-secrets';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { AwsClients } from './aws/clients';
import { parseEgressAllow } from './egress';

/** The resource activity's dependencies in a function host, from the configuration. */
export function resourceActivityDeps(config: Config, pool: Pool, log: Logger, metrics?: Metrics): ResourceActivityDeps {
  return {
    pool,
    log,
    sign: tokenSigner(pool, config.STEPFLOW_TOKEN_SECRET),
    egress: parseEgressAllow(config.STEPFLOW_EGRESS_ALLOW),
    masterKey: () => masterKeyOf(config),
    aws: new AwsClients({
      s3ForcePathStyle: config.STEPFLOW_S3_FORCE_PATH_STYLE,
      sqsProtocol: config.STEPFLOW_SQS_PROTOCOL,
    }),
    ...(metrics ? { metrics } : {}),
  };
}
