import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const ROOT = resolve(__dirname, '../../..');

/** Collects the bundler's error log so that a failure says which import broke the bundle. */
function recordingLogger(errors: string[]) {
  const noop = () => undefined;
  return {
    log: noop,
    trace: noop,
    debug: noop,
    info: noop,
    warn: noop,
    error: (message: string) => errors.push(message),
  };
}

/**
 * Bundles a throwaway workflow (in a temp dir) that imports `modules` (paths from the repository
 * root) with Temporal's workflow bundler, which rejects Node built-ins such as `vm`. Returns the
 * bundle's code and the bundler's error log; throws with that log when bundling fails.
 */
export async function bundleProbe(modules: string[]): Promise<{ code: string; errors: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'stepflow-bundle-probe-'));
  try {
    const paths = modules.map((m) => join(ROOT, m));
    const imports = paths.map((m, i) => `import * as m${i} from ${JSON.stringify(m)};`).join('\n');
    const names = paths.map((_, i) => `m${i}`).join(', ');
    const workflowsPath = join(dir, 'workflows.ts');
    writeFileSync(
      workflowsPath,
      `${imports}\nexport async function probe(): Promise<number> {\n  return [${names}].length;\n}\n`,
    );
    const errors: string[] = [];
    const bundle = await bundleWorkflowCode({
      workflowsPath,
      logger: recordingLogger(errors),
      // The probe lives outside the repository, so point module resolution at the repository's packages.
      webpackConfigHook: (config) => ({
        ...config,
        resolve: {
          ...config.resolve,
          modules: [...(config.resolve?.modules ?? ['node_modules']), join(ROOT, 'node_modules')],
        },
      }),
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${errors.join('\n').slice(0, 4000)}`);
    });
    return { code: bundle.code, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
