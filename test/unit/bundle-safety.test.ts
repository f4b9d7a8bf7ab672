import { bundleProbe } from './support/bundle-probe';

const CORE_MODULES = ['paths', 'intrinsics', 'payload-template', 'choice', 'retry'].map((m) => `engine/core/${m}`);

describe('bundle safety', () => {
  test('the workflow bundler accepts the language core when a workflow imports it', async () => {
    const bundle = await bundleProbe(CORE_MODULES);
    expect(bundle.errors).toEqual([]);
    expect(bundle.code).toContain('States.Format');
    expect(bundle.code).toContain('ResultPathMatchFailure');
  }, 60_000);
});
