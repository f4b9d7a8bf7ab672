module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': '@swc/jest' },
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
};
