import { parseArgs } from 'node:util';
import type { Config } from '../../schemas/config';
import { apiClientOf } from './api-client';
import { readInput, type Io } from './client-commands';

/** The trigger commands: `stepflow schedule|webhook|queue-trigger <action> …`. */
export const TRIGGER_COMMANDS = ['schedule', 'webhook', 'queue-trigger'];

const USAGE: Record<string, string> = {
  schedule: `usage:
  stepflow schedule create <name> --machine M (--expression 'rate(5 minutes)'|'cron(0 12 * * ? *)'|'at(2027-01-01T09:00:00)')
                    [--time-zone Europe/Paris] [--input JSON|@file] [--version N|--alias A] [--overlap SKIP|BUFFER_ONE|BUFFER_ALL|CANCEL_OTHER|ALLOW_ALL] [--paused]
  stepflow schedule list | describe <name> | pause <name> | resume <name> | delete <name>
  stepflow schedule backfill <name> --start ISO --end ISO
  stepflow schedule executions <name>`,
  webhook: `usage:
  stepflow webhook create --name N --machine M [--version N|--alias A]   (prints the secret once)
  stepflow webhook list | describe <id> | rotate <id> | delete <id>`,
  'queue-trigger': `usage:
  stepflow queue-trigger create <name> --kind nats|rabbitmq --url URL --source STREAM|QUEUE [--subject S]
                         --dead-letter SUBJECT|QUEUE --machine M [--version N|--alias A] [--max-in-flight 32] [--max-attempts 5]
  stepflow queue-trigger list | describe <name> | delete <name>`,
};

const int = (raw: string | undefined) => (raw === undefined ? undefined : Number(raw));

/** Runs a trigger command against the API; prints the API's JSON answer. Returns the exit code. */
export async function runTriggerCommand(command: string, argv: string[], config: Config, io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      machine: { type: 'string' },
      name: { type: 'string' },
      expression: { type: 'string' },
      'time-zone': { type: 'string' },
      input: { type: 'string' },
      version: { type: 'string' },
      alias: { type: 'string' },
      overlap: { type: 'string' },
      paused: { type: 'boolean', default: false },
      note: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      kind: { type: 'string' },
      'url-of-broker': { type: 'string' },
      source: { type: 'string' },
      subject: { type: 'string' },
      'dead-letter': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'max-attempts': { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
    },
  });
  const [action, target] = positionals;
  const api = apiClientOf(config, values.url, values.key);
  const base = command === 'schedule' ? '/v1/schedules' : command === 'webhook' ? '/v1/webhooks' : '/v1/queue-triggers';
  const one = () => {
    if (!target) throw new Error(USAGE[command]);
    return `${base}/${encodeURIComponent(target)}`;
  };
  const targetFields = {
    stateMachine: values.machine,
    version: int(values.version),
    alias: values.alias,
  };
  let result: unknown;
  switch (action) {
    case 'create':
      if (command === 'schedule') {
        result = await api.request('POST', base, {
          name: target,
          ...targetFields,
          expression: values.expression,
          timeZone: values['time-zone'],
          input: readInput(values.input),
          overlap: values.overlap,
          paused: values.paused,
        });
      } else if (command === 'webhook') {
        result = await api.request('POST', base, { name: values.name, ...targetFields });
      } else {
        result = await api.request('POST', base, {
          name: target,
          kind: values.kind,
          // --url names the Stepflow API for every command; the broker's URL is --url-of-broker
          // (or the second positional: `queue-trigger create <name> <broker url>`).
          url: values['url-of-broker'] ?? positionals[2],
          source: values.source,
          subject: values.subject,
          deadLetter: values['dead-letter'],
          ...targetFields,
          maxInFlight: int(values['max-in-flight']),
          maxAttempts: int(values['max-attempts']),
        });
      }
      break;
    case 'list':
      result = await api.request('GET', `${base}?limit=1000`);
      break;
    case 'describe':
      result = await api.request('GET', one());
      break;
    case 'delete':
      await api.request('DELETE', one());
      result = { deleted: target };
      break;
    case 'pause':
    case 'resume':
      if (command !== 'schedule') throw new Error(USAGE[command]);
      result = await api.request('POST', `${one()}/${action}`, values.note ? { note: values.note } : {});
      break;
    case 'backfill':
      if (command !== 'schedule') throw new Error(USAGE[command]);
      result = await api.request('POST', `${one()}/backfill`, { start: values.start, end: values.end });
      break;
    case 'executions':
      if (command !== 'schedule') throw new Error(USAGE[command]);
      result = await api.request('GET', `${one()}/executions?limit=1000`);
      break;
    case 'rotate':
      if (command !== 'webhook') throw new Error(USAGE[command]);
      result = await api.request('POST', `${one()}/rotate`);
      break;
    default:
      io.err(USAGE[command] as string);
      return 2;
  }
  io.out(JSON.stringify(result, null, 2));
  return 0;
}
