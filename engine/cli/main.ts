import type { Config } from '../../schemas/config';
import { ConfigError, loadConfig } from '../config';
import { createLogger, type Logger } from '../logger';
import {
  prepareDatabase,
  startApi,
  startFunctionHostProcess,
  startManagedTemporal,
  startTriggersProcess,
  startWorkerProcess,
} from '../app';
import { runStack } from './supervisor';
import { CLIENT_COMMANDS, runClientCommand } from './client-commands';
import { runConnectionsCommand } from './connections';
import { runAuthCommand, runKeysCommand } from './keys';
import { runNotificationsCommand } from './notifications';
import { runTriggerCommand, TRIGGER_COMMANDS } from './trigger-commands';

const USAGE = `usage: stepflow <command>

commands:
  up        run the whole stack: managed Temporal server (unless TEMPORAL_ADDRESS is set),
            migrations, the API, a worker, a function host and the triggers (Ctrl-C stops everything)
  api       run the API server only (needs a Temporal server: TEMPORAL_ADDRESS)
  worker    run one worker only (needs a Temporal server: TEMPORAL_ADDRESS)
  functions run one function host only: runs FUNCTIONS_DIR's functions, each invocation in a
            process of its own (needs a Temporal server: TEMPORAL_ADDRESS)
  triggers  run the triggers only: schedules' actions and the queue-trigger consumers (NATS, RabbitMQ)
  migrate   create the database if missing and apply pending migrations
  temporal  run the managed local Temporal server only

client commands (talk to the API at STEPFLOW_URL or --url, default http://HOST:PORT; --json for scripts):
  validate <file>                       check a definition locally; each problem with its line
  create <file> [--name N]              create a state machine (or a new version of it)
  update <file> --name N                same as create: a changed definition becomes a new version
  start <machine> [--input JSON|@file] [--name N] [--wait]
  describe <executionId>
  list [<machine>]                      state machines, or the executions of one
  history <executionId> [--follow]      the execution's timeline; --follow until it ends
  stop <executionId> [--error E] [--cause C]
  redrive <executionId>                 continue a FAILED/TIMED_OUT/ABORTED execution where it stopped

triggers (see README "Triggers"; each prints the API's JSON answer):
  schedule create <name> --machine M --expression 'rate(5 minutes)' [--time-zone Z] [--input JSON] [--overlap P] [--paused]
  schedule list | describe <name> | pause <name> | resume <name> | delete <name> | executions <name>
  schedule backfill <name> --start ISO --end ISO
  webhook create --name N --machine M   (the secret is printed once) | list | describe <id> | rotate <id> | delete <id>
  queue-trigger create <name> <broker url> --kind nats|rabbitmq --source S [--subject S] --dead-letter D --machine M
                [--max-in-flight N] [--max-attempts N]
  queue-trigger list | describe <name> | delete <name>

API keys (operator commands on DATABASE_URL; before the first key the API is open, on loopback only):
  connections create <file.json|->       create an HTTP Task connection (EventBridge CreateConnection body)
  connections list | describe <name> | delete <name>
  keys create --name N --scopes read,execute,admin
  keys list
  keys revoke <key id>
  auth status                           is authentication on (it stays on once a key was created)
  auth disable                          turn it off again (open API, loopback only); needs no active key

notifications (status-change events to webhooks, NATS JetStream, RabbitMQ; see README "Observability"):
  notifications create --name N --type webhook|nats|rabbitmq --url U [--subject S] [--exchange E]
                [--routing-key K] [--machines a,b] [--statuses FAILED,TIMED_OUT]
  notifications list | describe <name> | enable <name> | disable <name> | rotate-secret <name> | delete <name>
`;

/** Exits when the supervising `stepflow up` is gone, so no child outlives it. */
function exitWithSupervisor(env: NodeJS.ProcessEnv, log: Logger): void {
  const pid = Number(env.STEPFLOW_SUPERVISOR_PID);
  if (!pid) return;
  setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      log.error({ supervisorPid: pid }, 'supervisor gone; exiting');
      process.exit(1);
    }
  }, 2_000).unref();
}

/** Runs `stop` on SIGINT/SIGTERM, then exits. */
function onStopSignal(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Runs one process of the stack (worker, function host, triggers) until it ends; a stop signal shuts it down. */
async function runUntilStopped(
  log: Logger,
  start: () => Promise<{ run: Promise<unknown>; shutdown(): Promise<void> }>,
): Promise<void> {
  exitWithSupervisor(process.env, log);
  const started = await start();
  onStopSignal(log, () => started.shutdown());
  await started.run;
}

async function run(command: string | undefined, config: Config, log: Logger): Promise<void> {
  switch (command) {
    case 'up':
      return runStack(config, log, process.env);
    case 'api': {
      exitWithSupervisor(process.env, log);
      const api = await startApi(config, log);
      onStopSignal(log, () => api.close());
      return;
    }
    case 'worker':
      return runUntilStopped(log, () => startWorkerProcess(config, log));
    case 'functions':
      return runUntilStopped(log, () => startFunctionHostProcess(config, log));
    case 'triggers':
      return runUntilStopped(log, () => startTriggersProcess(config, log));
    case 'migrate':
      await prepareDatabase(config, log);
      return;
    case 'temporal': {
      const server = await startManagedTemporal(config, log);
      process.stdout.write(`Temporal server running at ${server.address}; Ctrl-C stops it.\n`);
      onStopSignal(log, () => server.stop());
      return;
    }
    default:
      process.stderr.write(USAGE);
      process.exitCode = command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

/** The `stepflow` command. */
export function main(argv: string[]): void {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`stepflow: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const command = argv[0];
  if (
    command &&
    (CLIENT_COMMANDS.includes(command) ||
      TRIGGER_COMMANDS.includes(command) ||
      command === 'keys' ||
      command === 'auth' ||
      command === 'notifications' ||
      command === 'connections')
  ) {
    const io = {
      out: (text: string) => process.stdout.write(`${text}\n`),
      err: (text: string) => process.stderr.write(`${text}\n`),
      colour: Boolean(process.stdout.isTTY) && config.NO_COLOR === undefined,
    };
    const operator = command === 'keys' ? runKeysCommand : command === 'auth' ? runAuthCommand : undefined;
    const run = operator
      ? operator(argv.slice(1), config, io, createLogger(config.LOG_LEVEL))
      : command === 'connections'
        ? runConnectionsCommand(argv.slice(1), config, io)
        : command === 'notifications'
          ? runNotificationsCommand(argv.slice(1), config, io)
          : TRIGGER_COMMANDS.includes(command)
            ? runTriggerCommand(command, argv.slice(1), config, io)
            : runClientCommand(command, argv.slice(1), config, io);
    run.then(
      (code) => process.exit(code),
      (err) => {
        process.stderr.write(`stepflow ${command}: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
    return;
  }
  const log = createLogger(config.LOG_LEVEL, 'stepflow', config.LOG_FORMAT).child({ process: command ?? 'stepflow' });
  run(command, config, log).catch((err) => {
    log.fatal({ err }, 'stepflow failed');
    process.exit(1);
  });
}
