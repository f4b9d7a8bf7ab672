import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The console's build: Preact (through its React-compatible layer, for @tanstack/react-virtual),
 * served by the API under /ui, written to dist/ui beside the compiled server.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    alias: {
      react: 'preact/compat',
      'react-dom': 'preact/compat',
      'react/jsx-runtime': 'preact/jsx-runtime',
    },
  },
  build: {
    outDir: path.join(import.meta.dirname, '..', 'dist', 'ui'),
    emptyOutDir: true,
    sourcemap: true,
  },
  logLevel: 'warn',
});
