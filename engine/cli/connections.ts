import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../../schemas/config';
import { apiClientOf } from './api-client';
import type { Io } from './client-commands';

/**
 * `stepflow connections create <file.json|->`: the body is EventBridge's CreateConnection shape
 * (`Name`, `AuthorizationType`, `AuthParameters`), read from a file or stdin so that secrets never
 * appear on a command line. `list`, `describe <name>` (no secrets) and `delete <name>`.
 */
export async function runConnectionsCommand(argv: string[], config: Config, io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, url: { type: 'string' }, key: { type: 'string' } },
  });
  const api = apiClientOf(config, values.url, values.key);
  const [sub, arg] = positionals;
  const need = (what: string) => {
    if (!arg) throw new Error(`usage: stepflow connections ${sub} <${what}>`);
    return arg;
  };
  switch (sub) {
    case 'create': {
      const file = need('file.json|-');
      const text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        throw new Error(`${file} is not JSON: ${(err as Error).message}`);
      }
      const created = await api.request<{ connectionArn: string }>('POST', '/v1/connections', body);
      io.out(values.json ? JSON.stringify(created, null, 2) : created.connectionArn);
      return 0;
    }
    case 'list': {
      const { connections } = await api.request<{
        connections: { name: string; authorizationType: string; connectionArn: string }[];
      }>('GET', '/v1/connections');
      if (values.json) io.out(JSON.stringify(connections, null, 2));
      else for (const c of connections) io.out(`${c.name}  ${c.authorizationType}  ${c.connectionArn}`);
      return 0;
    }
    case 'describe':
      io.out(JSON.stringify(await api.request('GET', `/v1/connections/${encodeURIComponent(need('name'))}`), null, 2));
      return 0;
    case 'delete':
      await api.request('DELETE', `/v1/connections/${encodeURIComponent(need('name'))}`);
      io.out(`deleted ${arg}`);
      return 0;
    default:
      io.err('usage: stepflow connections create <file.json|-> | list | describe <name> | delete <name>');
      return 2;
  }
}
