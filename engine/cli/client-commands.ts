import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../../schemas/config';
import { parseDefinition } from '../core/validate';
import { ApiCallError, apiClientOf, type ApiClient } from './api-client';
import { readDefinitionFile, type DefinitionFile } from './definition-file';
import { palette, timelineLine } from './render';

/** Where client commands write (injectable for tests). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  colour: boolean;
}

const FOLLOW_POLL_MS = 500;
/** Events per history request (the API's maximum page). */
const HISTORY_PAGE = 1000;

/** Prints definition problems as `file:line  pointer  code  message`. */
function printProblems(
  io: Io,
  file: string,
  def: DefinitionFile,
  problems: { code: string; path: string; message: string }[],
): void {
  const c = palette(io.colour);
  for (const p of problems)
    io.err(`${c.bold(`${file}:${def.lineOf(p.path)}`)}  ${p.path || '/'}  ${c.red(p.code)}  ${p.message}`);
  io.err(`${problems.length} problem${problems.length === 1 ? '' : 's'}`);
}

/** `--input '{"a":1}'` or `--input @file.json` (undefined without the option). */
export function readInput(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  const text = raw.startsWith('@') ? fs.readFileSync(raw.slice(1), 'utf8') : raw;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`--input is not valid JSON: ${(err as Error).message}`);
  }
}

/** Calls a Step Functions protocol action (used for the paginated list actions). */
async function sfn(api: ApiClient, action: string, body: unknown): Promise<any> {
  return api.request('POST', '/', body, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': `AWSStepFunctions.${action}`,
  });
}

/** The client commands: create, update, validate, start, describe, list, history, stop. Returns the exit code. */
export async function runClientCommand(command: string, argv: string[], config: Config, io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      input: { type: 'string' },
      json: { type: 'boolean', default: false },
      follow: { type: 'boolean', short: 'f', default: false },
      wait: { type: 'boolean', default: false },
      error: { type: 'string' },
      cause: { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
    },
  });
  const api = apiClientOf(config, values.url, values.key);
  const c = palette(io.colour);
  const print = (value: unknown, human: () => string) => io.out(values.json ? JSON.stringify(value, null, 2) : human());
  const need = (what: string) => {
    if (!positionals[0]) throw new Error(`usage: stepflow ${command} <${what}>`);
    return positionals[0];
  };

  switch (command) {
    case 'validate': {
      const file = need('file');
      const def = readDefinitionFile(file);
      const { problems } = parseDefinition(def.text);
      if (values.json) io.out(JSON.stringify({ valid: problems.length === 0, problems }, null, 2));
      else if (problems.length === 0) io.out(c.green(`${file}: valid`));
      else printProblems(io, file, def, problems);
      return problems.length === 0 ? 0 : 1;
    }
    case 'create':
    case 'update': {
      const file = need('file');
      const def = readDefinitionFile(file);
      const name = values.name ?? path.basename(file).replace(/\.(asl\.)?json$/, '');
      try {
        const machine = await api.request('POST', '/v1/state-machines', { name, definition: def.text });
        print(machine, () => `${c.green(machine.name)} version ${machine.version}`);
        return 0;
      } catch (err) {
        if (err instanceof ApiCallError && err.body.problems) {
          printProblems(io, file, def, err.body.problems);
          return 1;
        }
        throw err;
      }
    }
    case 'start': {
      const machine = need('machine');
      let execution = await api.request('POST', `/v1/state-machines/${encodeURIComponent(machine)}/executions`, {
        input: values.input === undefined ? {} : readInput(values.input),
        ...(values.name ? { name: values.name } : {}),
      });
      while (values.wait && execution.status === 'RUNNING') {
        await sleep(FOLLOW_POLL_MS);
        execution = await api.request('GET', `/v1/executions/${encodeURIComponent(execution.executionId)}`);
      }
      print(
        execution,
        () =>
          `${execution.executionId} ${execution.status}${execution.output !== undefined ? ` ${JSON.stringify(execution.output)}` : ''}`,
      );
      return ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(execution.status) ? 1 : 0;
    }
    case 'describe': {
      const execution = await api.request('GET', `/v1/executions/${encodeURIComponent(need('executionId'))}`);
      print(execution, () =>
        [
          `${c.bold(execution.executionId)}  ${execution.status === 'SUCCEEDED' ? c.green(execution.status) : execution.status === 'RUNNING' ? c.blue(execution.status) : c.red(execution.status)}`,
          `  started  ${execution.startDate}${execution.stopDate ? `\n  stopped  ${execution.stopDate}` : ''}`,
          `  input    ${JSON.stringify(execution.input)}`,
          ...(execution.output !== undefined ? [`  output   ${JSON.stringify(execution.output)}`] : []),
          ...(execution.error !== undefined
            ? [`  error    ${c.red(execution.error)}`, `  cause    ${execution.cause ?? ''}`]
            : []),
        ].join('\n'),
      );
      return 0;
    }
    case 'list': {
      if (positionals[0]) {
        const arn = `arn:aws:states:us-east-1:000000000000:stateMachine:${positionals[0]}`;
        const page = await sfn(api, 'ListExecutions', { stateMachineArn: arn, maxResults: 100 });
        print(
          page.executions,
          () =>
            page.executions
              .map((e: any) => `${e.name}  ${e.status}  ${new Date(e.startDate * 1000).toISOString()}`)
              .join('\n') || '(no executions)',
        );
      } else {
        const page = await sfn(api, 'ListStateMachines', { maxResults: 100 });
        print(
          page.stateMachines,
          () => page.stateMachines.map((m: any) => `${m.name}  ${m.type}`).join('\n') || '(no state machines)',
        );
      }
      return 0;
    }
    case 'history': {
      const id = encodeURIComponent(need('executionId'));
      let start: number | undefined;
      const show = (event: any) => {
        start ??= Date.parse(event.timestamp);
        io.out(values.json ? JSON.stringify(event) : timelineLine(event, start, c));
      };
      if (values.follow) {
        // The live stream: every event as it is written, ending after the execution closes.
        for await (const event of api.events(`/v1/executions/${id}/history?follow=true`)) show(event);
        return 0;
      }
      // Page by page, following the cursors, so a long history is never one response.
      let next: string | undefined;
      do {
        const page = await api.request(
          'GET',
          `/v1/executions/${id}/history?limit=${HISTORY_PAGE}${next ? `&next=${encodeURIComponent(next)}` : ''}`,
        );
        for (const event of page.events) show(event);
        next = page.next;
      } while (next);
      return 0;
    }
    case 'redrive': {
      const execution = await api.request('POST', `/v1/executions/${encodeURIComponent(need('executionId'))}/redrive`);
      print(execution, () => `${execution.executionId} ${execution.status} (redrive ${execution.redriveCount})`);
      return 0;
    }
    case 'stop': {
      const execution = await api.request('POST', `/v1/executions/${encodeURIComponent(need('executionId'))}/stop`, {
        ...(values.error ? { error: values.error } : {}),
        ...(values.cause ? { cause: values.cause } : {}),
      });
      print(execution, () => `${execution.executionId} ${execution.status}`);
      return 0;
    }
    default:
      throw new Error(`unknown command: ${command}`);
  }
}

/** The client commands `runClientCommand` knows. */
export const CLIENT_COMMANDS = [
  'create',
  'update',
  'validate',
  'start',
  'describe',
  'list',
  'history',
  'stop',
  'redrive',
];
