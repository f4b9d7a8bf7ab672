/** @type {import('jest').Config} */
const transform = {
  '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  // ESM-only dependencies of the API (@fastify/swagger-ui, light-my-request), compiled to CommonJS so that
  // inject() tests can load the app.
  '^.+/node_modules/(content-disposition|cookie)/.+\\.js$': [
    '@swc/jest',
    { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
const transformIgnorePatterns = ['/node_modules/(?!(content-disposition|cookie)/)'];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: [
        '<rootDir>/test/unit/**/*.test.ts',
        '<rootDir>/test/conformance/**/*.test.ts',
        '<rootDir>/test/replay/**/*.test.ts',
        '<rootDir>/test/*.test.ts',
      ],
    },
    {
      displayName: 'integration',
      transform,
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/integration/**/*.int.test.ts'],
      globalSetup: '<rootDir>/test/integration/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/support/global-teardown.ts',
      slowTestThreshold: 30,
    },
  ],
  testTimeout: 120000,
};
