import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../project-root';

/** Where the prebuilt workflow bundle lives (built once by `npm run build`, not on every start). */
export function workflowBundlePath(): string {
  return path.join(projectRoot(), 'dist', 'workflow-bundle.js');
}

/** Bundles `workflows/` (compiled JS in dist/) into one file for the worker. */
export async function buildWorkflowBundle(): Promise<string> {
  const workflowsPath = path.join(projectRoot(), 'dist', 'workflows', 'index.js');
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } });
  const out = workflowBundlePath();
  fs.writeFileSync(out, code);
  return out;
}

if (require.main === module) {
  buildWorkflowBundle().then(
    (out) => console.log(`workflow bundle written to ${path.relative(process.cwd(), out)}`),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
