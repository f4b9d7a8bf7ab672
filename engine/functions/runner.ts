/**
 * The entry of one function process (forked by the function pool): it loads handlers from
 * FUNCTIONS_DIR and runs one invocation at a time on the host's request. Nothing here is trusted
 * to keep the host alive: the host watches this process's memory and CPU time and kills it.
 */
import { FunctionRegistry } from '../../activities/functions';
import type { FromRunner, RaisedError, ToRunner } from './protocol';

const dir = process.env.STEPFLOW_FUNCTIONS_DIR ?? './functions';
// The host's settings are none of a function's business.
delete process.env.STEPFLOW_FUNCTIONS_DIR;
const registry = new FunctionRegistry(dir);
let controller: AbortController | undefined;

function send(message: FromRunner): void {
  process.send?.(message);
}

function raised(err: unknown): RaisedError {
  if (err instanceof Error)
    return { name: err.name || 'Error', message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { name: 'Error', message: String(err) };
}

async function invoke(message: Extract<ToRunner, { type: 'invoke' }>): Promise<void> {
  controller = new AbortController();
  try {
    const handler = await registry.get(message.functionName);
    const result = await handler(message.payload, { ...message.context, signal: controller.signal });
    // JSON text: what a function returns is data, as over Lambda's wire (throws on a cycle or a BigInt).
    send({ type: 'done', ok: true, result: JSON.stringify(result === undefined ? null : result) ?? 'null' });
  } catch (err) {
    send({ type: 'done', ok: false, error: raised(err) });
  } finally {
    controller = undefined;
  }
}

process.on('message', (message: ToRunner) => {
  if (message.type === 'invoke') void invoke(message);
  else if (message.type === 'abort') controller?.abort();
});

// An exception that escapes the handler ends this process's usefulness, not the host: report it;
// the host fails the invocation with it and replaces this process.
const crash = (err: unknown) => send({ type: 'crash', error: raised(err) });
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
// The host's disappearance ends the runner (the IPC channel closes).
process.on('disconnect', () => process.exit(0));
// Loaded: the host gives this process an invocation only now.
send({ type: 'ready' });
