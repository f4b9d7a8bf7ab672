import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../project-root';

/** Where the prebuilt workflow bundle lives (built once by `npm run build`, not on every start). */
export function workflowBundlePath(): string {
  return path.join(projectRoot(), 'dist', 'workflow-bundle.js');
}

/**
 * The bundle's one workflow interceptor module: per workflow, the spans of Stepflow's states and
 * of the Temporal SDK's OpenTelemetry interceptors (loaded only by a workflow that records
 * spans), or only its trace context carried on (workflow-tracing.ts).
 */
const TRACING_MODULE = path.join('engine', 'telemetry', 'workflow-tracing.js');
/** The telemetry modules the interceptor module loads; in the bundle's hash with it. */
const TELEMETRY_MODULES = [
  TRACING_MODULE,
  ...['workflow-interceptors.js', 'headers.js'].map((file) => path.join('engine', 'telemetry', file)),
];

/** Runs ahead of the SDK's entry when the bundle loads: the sandbox's global settings (no stack traces). */
const SANDBOX_MODULE = path.join('workflows', 'sandbox.js');

/**
 * Modules the worker loads once per workflow thread and shares between workflows (the SDK's
 * `preloadModules`): the pure core the workflows import, and through it JSONata, RE2JS and the
 * hashes. Any other module is loaded again for every workflow, which cost about 4 ms of the
 * workflow thread per execution (a Map Run child, a chain execution). Only the pure core may be
 * here: it keeps no per-workflow state (architecture.test.ts: no I/O, no @temporalio/workflow),
 * its caches are pure (parse-once.ts), and the worker deep-freezes what a shared module
 * exports, so an exported object it mutated would throw in every workflow (replay and
 * integration tests run this bundle).
 */
export const PRELOADED_MODULES = [
  'engine/core/errors',
  'engine/core/event-rows',
  'engine/core/interpreter/index',
  'engine/core/interpreter/bounds',
  'engine/core/interpreter/machine',
  'engine/core/interpreter/map-run',
  'engine/core/interpreter/states/map-config',
  'engine/core/interpreter/task-events',
  'engine/core/resource-bindings',
];

/** Every compiled file the workflow bundle can include (workflows, the pure core, schemas). */
function bundleInputs(dist: string): string[] {
  const walk = (dir: string): string[] =>
    fs.existsSync(dir)
      ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
          const full = path.join(dir, entry.name);
          return entry.isDirectory() ? walk(full) : entry.name.endsWith('.js') ? [full] : [];
        })
      : [];
  return ['workflows', path.join('engine', 'core'), 'schemas']
    .flatMap((dir) => walk(path.join(dist, dir)))
    .concat(TELEMETRY_MODULES.map((module) => path.join(dist, module)))
    .sort();
}

/** Hash of the bundle's inputs and the SDK version: an unchanged hash means the bundle is current. */
function inputsHash(dist: string): string {
  const hash = createHash('sha256');
  const sdk = JSON.parse(fs.readFileSync(require.resolve('@temporalio/worker/package.json'), 'utf8')) as {
    version: string;
  };
  hash.update(sdk.version);
  hash.update(fs.readFileSync(require.resolve('@temporalio/interceptors-opentelemetry/package.json')));
  hash.update(JSON.stringify({ PRELOADED_MODULES, TRACING_MODULE, SANDBOX_MODULE }));
  for (const file of bundleInputs(dist)) hash.update(file).update(fs.readFileSync(file));
  return hash.digest('hex');
}

/** Bundles `workflows/` (compiled JS in dist/) into one file for the worker; skipped when current. */
export async function buildWorkflowBundle(): Promise<{ file: string; rebuilt: boolean }> {
  const dist = path.join(projectRoot(), 'dist');
  const out = workflowBundlePath();
  const stamp = `${out}.sha256`;
  const hash = inputsHash(dist);
  if (fs.existsSync(out) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash)
    return { file: out, rebuilt: false };
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(dist, 'workflows', 'index.js'),
    workflowInterceptorModules: [path.join(dist, TRACING_MODULE)],
    preloadModules: PRELOADED_MODULES.map((module) => path.join(dist, `${module}.js`)),
    webpackConfigHook: (config) => ({
      ...config,
      entry: [path.join(dist, SANDBOX_MODULE), ...(config.entry as string[])],
    }),
    logger: quiet,
  });
  fs.writeFileSync(out, code);
  fs.writeFileSync(stamp, hash);
  return { file: out, rebuilt: true };
}

if (require.main === module) {
  buildWorkflowBundle().then(
    ({ file, rebuilt }) =>
      console.log(`workflow bundle ${rebuilt ? 'written to' : 'up to date:'} ${path.relative(process.cwd(), file)}`),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
