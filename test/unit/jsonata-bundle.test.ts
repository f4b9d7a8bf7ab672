import { bundleProbe } from './support/bundle-probe';

describe('jsonata bundle safety', () => {
  test('the workflow bundler accepts JSONata and workflow variables when a workflow imports them', async () => {
    const bundle = await bundleProbe(['engine/core/jsonata', 'engine/core/variables']);
    expect(bundle.errors).toEqual([]);
    expect(bundle.code).toContain('jsonata.__evaluate_entry');
    expect(bundle.code).toContain('Attempted to invoke a non-function');
  }, 60_000);
});
