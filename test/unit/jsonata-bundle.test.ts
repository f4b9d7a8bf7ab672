import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const ROOT = resolve(__dirname, '../..');
const MODULES = ['engine/core/jsonata', 'engine/core/variables'].map((m) => join(ROOT, m));

/** Collects the bundler's error log so that a failure says which import broke the bundle. */
function recordingLogger(errors: string[]) {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (message: string) => errors.push(message) };
}

describe('jsonata bundle safety', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stepflow-jsonata-bundle-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('the workflow bundler accepts JSONata and workflow variables when a workflow imports them', async () => {
    const imports = MODULES.map((m, i) => `import * as m${i} from ${JSON.stringify(m)};`).join('\n');
    const workflowsPath = join(dir, 'workflows.ts');
    writeFileSync(workflowsPath, `${imports}\nexport async function probe(): Promise<number> {\n  return [m0, m1].length;\n}\n`);
    const errors: string[] = [];
    const bundle = await bundleWorkflowCode({
      workflowsPath,
      logger: recordingLogger(errors),
      webpackConfigHook: (config) => ({
        ...config,
        resolve: { ...config.resolve, modules: [...(config.resolve?.modules ?? ['node_modules']), join(ROOT, 'node_modules')] },
      }),
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${errors.join('\n').slice(0, 4000)}`);
    });
    expect(errors).toEqual([]);
    expect(bundle.code).toContain('jsonata.__evaluate_entry');
    expect(bundle.code).toContain('Attempted to invoke a non-function');
  }, 60_000);
});
