import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const ROOT = resolve(__dirname, '../..');
const CORE_MODULES = ['paths', 'intrinsics', 'payload-template', 'choice', 'retry'].map((m) => join(ROOT, 'engine/core', m));

/** Collects the bundler's error log so that a failure says which import broke the bundle. */
function recordingLogger(errors: string[]) {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (message: string) => errors.push(message) };
}

describe('bundle safety', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stepflow-bundle-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('the workflow bundler accepts the language core when a workflow imports it', async () => {
    const imports = CORE_MODULES.map((m, i) => `import * as m${i} from ${JSON.stringify(m)};`).join('\n');
    const names = CORE_MODULES.map((_, i) => `m${i}`).join(', ');
    const workflowsPath = join(dir, 'workflows.ts');
    writeFileSync(workflowsPath, `${imports}\nexport async function probe(): Promise<number> {\n  return [${names}].length;\n}\n`);
    const errors: string[] = [];
    const bundle = await bundleWorkflowCode({
      workflowsPath,
      logger: recordingLogger(errors),
      // The probe lives outside the repository, so point module resolution at the repository's packages.
      webpackConfigHook: (config) => ({
        ...config,
        resolve: { ...config.resolve, modules: [...(config.resolve?.modules ?? ['node_modules']), join(ROOT, 'node_modules')] },
      }),
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${errors.join('\n').slice(0, 4000)}`);
    });
    expect(errors).toEqual([]);
    expect(bundle.code).toContain('States.Format');
    expect(bundle.code).toContain('ResultPathMatchFailure');
  }, 60_000);
});
