import { execFile } from 'node:child_process';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { stripAnsi } from './log-tail';

/** The Temporal SQL plugin for Postgres 12 and later. */
export const TEMPORAL_SQL_PLUGIN = 'postgres12';

/** The embedded schemas (inside the schema tool) for each Temporal database. */
const SCHEMA_NAMES = { main: 'postgresql/v12/temporal', visibility: 'postgresql/v12/visibility' } as const;

/** The maintenance database used to create and drop the others. */
const MAINTENANCE_DATABASE = 'postgres';

/** Database names are interpolated into SQL and server config, so keep them to plain identifiers. */
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** How to reach the Postgres server that holds Temporal's databases. */
export interface TemporalPg {
  host: string;
  port: number;
  user: string;
  password?: string;
}

/** The two databases Temporal needs: persistence (`main`) and visibility. */
export interface TemporalDatabases {
  main: string;
  visibility: string;
}

/** Thrown when the Temporal schema tool fails; the message carries its output. */
export class TemporalSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalSchemaError';
  }
}

/**
 * Derives Temporal's Postgres connection and database names from Stepflow's `DATABASE_URL`:
 * same server and credentials, databases `<db>_temporal` and `<db>_visibility`.
 */
export function temporalPostgresFromUrl(databaseUrl: string): { pg: TemporalPg; databases: TemporalDatabases } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'stepflow';
  return {
    pg: {
      host: url.hostname || '127.0.0.1',
      port: url.port ? Number(url.port) : 5432,
      user: decodeURIComponent(url.username) || 'postgres',
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    },
    databases: { main: `${database}_temporal`, visibility: `${database}_visibility` },
  };
}

function checkNames(databases: TemporalDatabases): void {
  for (const name of [databases.main, databases.visibility]) {
    if (!DATABASE_NAME.test(name)) {
      throw new TemporalSchemaError(
        `invalid Temporal database name ${JSON.stringify(name)}: use lowercase letters, digits and _`,
      );
    }
  }
}

/**
 * Creates Temporal's two databases and brings their schemas up to date with the schema tool
 * (`create-database`, `setup-schema -v 0.0`, `update-schema --schema-name postgresql/v12/...`).
 * Every step is idempotent: an existing database is kept, the version table is created only if
 * missing and the version is not lowered, and an up-to-date schema is a no-op — so start-up can
 * always run it.
 */
export async function setupTemporalDatabases(opts: {
  sqlTool: string;
  pg: TemporalPg;
  databases: TemporalDatabases;
  log: Logger;
}): Promise<void> {
  checkNames(opts.databases);
  const started = Date.now();
  for (const kind of ['main', 'visibility'] as const) {
    const database = opts.databases[kind];
    await runSqlTool(opts.sqlTool, opts.pg, database, ['create-database']);
    await runSqlTool(opts.sqlTool, opts.pg, database, ['setup-schema', '-v', '0.0']);
    await runSqlTool(opts.sqlTool, opts.pg, database, ['update-schema', '--schema-name', SCHEMA_NAMES[kind]]);
  }
  opts.log.info({ databases: opts.databases, ms: Date.now() - started }, 'temporal databases ready');
}

function runSqlTool(sqlTool: string, pg: TemporalPg, database: string, command: string[]): Promise<void> {
  const args = [
    '--endpoint',
    pg.host,
    '--port',
    String(pg.port),
    '--user',
    pg.user,
    '--plugin',
    TEMPORAL_SQL_PLUGIN,
    '--database',
    database,
    ...command,
  ];
  // The password goes through the environment so it never shows in a process listing.
  const env = { ...process.env, SQL_PASSWORD: pg.password ?? '' };
  return new Promise((resolve, reject) => {
    execFile(sqlTool, args, { env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const output = stripAnsi(`${stdout}${stderr}`).trimEnd().split('\n').slice(-20).join('\n');
      reject(
        new TemporalSchemaError(
          `temporal schema tool '${command[0]}' failed on database ${database} (${err.message.split('\n')[0]}):\n${output}`,
        ),
      );
    });
  });
}

/** Drops Temporal's two databases, closing their open connections first (`WITH (FORCE)`, Postgres 13+). For tests. */
export async function dropTemporalDatabases(opts: {
  pg: TemporalPg;
  databases: TemporalDatabases;
  log: Logger;
}): Promise<void> {
  checkNames(opts.databases);
  const client = new Client({ ...opts.pg, database: MAINTENANCE_DATABASE });
  await client.connect();
  try {
    for (const database of [opts.databases.main, opts.databases.visibility]) {
      await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
  opts.log.info({ databases: opts.databases }, 'temporal databases dropped');
}
