/**
 * End-to-end suite: the package in a real n8n 2.40.7 server (installed once into a cache folder
 * by scripts/n8n-runtime.js) against the Thoughtly simulator. Run with `npm run test:e2e`
 * (in band: the cases share one n8n).
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { isolatedModules: true }],
	},
	globalSetup: '<rootDir>/test/e2e/harness/global-setup.ts',
	globalTeardown: '<rootDir>/test/e2e/harness/global-teardown.ts',
	// The first run installs n8n (minutes) in the global set-up, which has no timeout; each case
	// then talks to real servers.
	testTimeout: 300_000,
	slowTestThreshold: 120,
};
