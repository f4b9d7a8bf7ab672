import { parseArgs } from 'node:util';
import type { Config } from '../../schemas/config';
import { apiClientOf } from './api-client';
import type { Io } from './client-commands';

const USAGE = `usage: stepflow notifications <command>
  create --name N --type webhook|nats|rabbitmq --url U [--subject S] [--exchange E] [--routing-key K]
         [--machines a,b] [--statuses FAILED,TIMED_OUT]   prints the signing secret (once)
  list
  describe <name>
  enable <name> | disable <name>
  rotate-secret <name>                                     prints the new signing secret (once)
  delete <name>`;

const list = (text: string | undefined) =>
  text === undefined
    ? undefined
    : text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);

/** `stepflow notifications …`: manages notification targets through the REST API. Returns the exit code. */
export async function runNotificationsCommand(argv: string[], config: Config, io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      type: { type: 'string' },
      url: { type: 'string' },
      subject: { type: 'string' },
      exchange: { type: 'string' },
      'routing-key': { type: 'string' },
      machines: { type: 'string' },
      statuses: { type: 'string' },
      json: { type: 'boolean', default: false },
      key: { type: 'string' },
      'api-url': { type: 'string' },
    },
  });
  const api = apiClientOf(config, values['api-url'], values.key);
  const [command, target] = positionals;
  const path = (name: string | undefined) => {
    if (!name) throw new Error(`usage: stepflow notifications ${command} <name>`);
    return `/v1/notification-targets/${encodeURIComponent(name)}`;
  };
  const show = (t: any) =>
    values.json
      ? io.out(JSON.stringify(t, null, 2))
      : io.out(
          `${t.name}  ${t.type}  ${t.url}${t.subject ? ` ${t.subject}` : ''}${t.routingKey ? ` ${t.exchange || '(default)'}/${t.routingKey}` : ''}` +
            `  machines=${t.stateMachines.join(',') || '*'} statuses=${t.statuses.join(',') || '*'}` +
            `  ${t.enabled ? 'enabled' : 'disabled'} pending=${t.pending} delivered=${t.deliveredCount}` +
            `${t.lastError ? `  last error: ${t.lastError}` : ''}${t.secret ? `\nsecret: ${t.secret}` : ''}`,
        );
  switch (command) {
    case 'create':
      show(
        await api.request('POST', '/v1/notification-targets', {
          name: values.name,
          type: values.type,
          url: values.url,
          ...(values.subject !== undefined ? { subject: values.subject } : {}),
          ...(values.exchange !== undefined ? { exchange: values.exchange } : {}),
          ...(values['routing-key'] !== undefined ? { routingKey: values['routing-key'] } : {}),
          ...(values.machines !== undefined ? { stateMachines: list(values.machines) } : {}),
          ...(values.statuses !== undefined ? { statuses: list(values.statuses) } : {}),
        }),
      );
      return 0;
    case 'list': {
      const { targets } = await api.request('GET', '/v1/notification-targets');
      if (values.json) io.out(JSON.stringify(targets, null, 2));
      else for (const t of targets) show(t);
      return 0;
    }
    case 'describe':
      show(await api.request('GET', path(target)));
      return 0;
    case 'enable':
    case 'disable':
      show(await api.request('PATCH', path(target), { enabled: command === 'enable' }));
      return 0;
    case 'rotate-secret':
      show(await api.request('POST', `${path(target)}/rotate-secret`));
      return 0;
    case 'delete':
      await api.request('DELETE', path(target));
      return 0;
    default:
      io.err(USAGE);
      return 2;
  }
}
