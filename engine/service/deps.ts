import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../../schemas/config';
import type { Logger } from '../logger';

/** What the use cases need: the store, Temporal, config and a logger. */
export interface ServiceDeps {
  pool: Pool;
  temporal: Client;
  config: Config;
  log: Logger;
}
