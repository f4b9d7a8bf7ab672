/**
 * The composition root: builds the processes Stepflow runs (API, worker, function host, managed
 * Temporal server) from the config, wiring the pool, the Temporal client and the use cases.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../schemas/config';
import { buildApi } from './api/server';
import { cacheDir } from './config';
import { createPool, ensureDatabase } from './db/pool';
import { migrate } from './db/migrate';
import { prepareAuth } from './service/api-keys';
import { failStuckWorkflows, finishPendingStops } from './service/reconcile';
import { flushStartedMarks, startPendingWorkflows } from './service/start';
import type { Logger } from './logger';
import { createTemporalClient } from './temporal/client';
import { temporalSecurity } from './temporal/connection-options';
import { startLocalTemporal, temporalPostgresFromUrl, type LocalTemporal } from './temporal/local-server';
import { startWorker, type StepflowWorker } from './temporal/worker';
import { startFunctionHost, type FunctionHost } from './functions/host';
import { masterKeyOf } from './service/api-keys';
import { NotificationDispatcher } from './notifications/dispatcher';
import { installTracing } from './telemetry/tracing';
import { spansExported } from './telemetry/spans-header';
import { currentBindings } from './resources/bindings';

/** How often the notification dispatcher looks for due retries (a status change wakes it at once). */
const NOTIFICATION_POLL_MS = 1_000;
import { startTriggers, type TriggersProcess } from './triggers/process';

/** How often the API repairs executions whose workflow start was never confirmed. */
const RECONCILE_INTERVAL_MS = 15_000;

/** The Temporal frontend to use: `TEMPORAL_ADDRESS`, else the managed server's. */
export function temporalAddress(config: Config): string {
  return config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT_BASE}`;
}

/** Creates Stepflow's database if missing and applies pending migrations. */
export async function prepareDatabase(config: Config, log: Logger): Promise<void> {
  await ensureDatabase(config.DATABASE_URL);
  const pool = createPool(config.DATABASE_URL);
  try {
    await migrate(pool, log.child({ component: 'migrate' }));
  } finally {
    await pool.end();
  }
}

/** Starts the managed local Temporal server (persistence in `<db>_temporal` / `<db>_visibility`). */
export function startManagedTemporal(config: Config, log: Logger): Promise<LocalTemporal> {
  const { pg, databases } = temporalPostgresFromUrl(config.DATABASE_URL);
  return startLocalTemporal({
    dataDir: config.STEPFLOW_DATA_DIR,
    portBase: config.TEMPORAL_PORT_BASE,
    pg,
    databases,
    namespace: config.TEMPORAL_NAMESPACE,
    cacheDir: cacheDir(config),
    log: log.child({ component: 'temporal-server' }),
  });
}

/** A listening API server and what to close when it stops. */
export interface RunningApi {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Starts the API: migrations, Temporal client, the reconciler, then listening on HOST:PORT. */
export async function startApi(config: Config, log: Logger): Promise<RunningApi> {
  // A bad bindings file stops the API before it serves (later edits that break it keep the last good set).
  currentBindings(config, log);
  await prepareDatabase(config, log);
  const pool = createPool(config.DATABASE_URL, log);
  await prepareAuth(pool, config, log).catch(async (err) => {
    await pool.end();
    throw err;
  });
  const temporal = await createTemporalClient(temporalAddress(config), config.TEMPORAL_NAMESPACE, {
    security: temporalSecurity(config),
    spans: spansExported(config),
  });
  const tracing = installTracing(config, 'api');
  const deps = { pool, temporal, config, log };
  const app = buildApi(deps);
  const reconcile = setInterval(() => {
    startPendingWorkflows(deps).catch((err) => log.warn({ err }, 'reconcile failed'));
    finishPendingStops(deps).catch((err) => log.warn({ err }, 'reconcile of stops failed'));
    failStuckWorkflows(deps).catch((err) => log.warn({ err }, 'reconcile of stuck executions failed'));
  }, RECONCILE_INTERVAL_MS);
  // The notification dispatcher runs in the API process; with several replicas one delivers (an advisory lock).
  const dispatcher =
    config.STEPFLOW_NOTIFICATIONS === 'on'
      ? new NotificationDispatcher(
          pool,
          config.DATABASE_URL,
          masterKeyOf(config),
          { pollMs: NOTIFICATION_POLL_MS, maxBackoffMs: config.STEPFLOW_NOTIFICATIONS_MAX_BACKOFF_SECONDS * 1000 },
          log.child({ component: 'notifications' }),
        )
      : undefined;
  dispatcher?.start();
  await app.listen({ host: config.HOST, port: config.PORT });
  const url = `http://${config.HOST}:${config.PORT}`;
  log.info({ url }, 'api listening');
  return {
    app,
    url,
    async close() {
      clearInterval(reconcile);
      await dispatcher?.stop();
      await app.close();
      await temporal.connection.close();
      await flushStartedMarks(pool);
      await pool.end();
      await tracing.shutdown();
    },
  };
}

/** Starts one worker (it also ensures the schema, so a worker can start first). */
export async function startWorkerProcess(config: Config, log: Logger): Promise<StepflowWorker> {
  await prepareDatabase(config, log);
  return startWorker(config, temporalAddress(config), log.child({ component: 'worker' }));
}

/** Starts one function host (it also ensures the schema, so a host can start first). */
export async function startFunctionHostProcess(config: Config, log: Logger): Promise<FunctionHost> {
  await prepareDatabase(config, log);
  return startFunctionHost(config, temporalAddress(config), log.child({ component: 'function-host' }));
}

/** Starts the triggers process: schedules' actions and queue-trigger consumers (it also ensures the schema). */
export async function startTriggersProcess(config: Config, log: Logger): Promise<TriggersProcess> {
  currentBindings(config, log);
  await prepareDatabase(config, log);
  return startTriggers(config, temporalAddress(config), log.child({ component: 'triggers' }));
}
