/**
 * Queue mode's servers fail with a clear error, never a hang, when they cannot start.
 * (The servers themselves are exercised by the end-to-end suite, test/e2e/queue-mode.test.ts.)
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgres, startRedis } from '../../scripts/lib/queue-services';

let dir: string;

beforeEach(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'queue-services-'));
	chmodSync(dir, 0o755); // as root, Postgres's commands run as the postgres user
});

afterEach(() => {
	rmSync(dir, { recursive: true, force: true });
});

function fakeBinary(name: string, script: string): string {
	const file = path.join(dir, name);
	writeFileSync(file, `#!/bin/sh\n${script}\n`);
	chmodSync(file, 0o755);
	return file;
}

it('a Redis that exits at start-up is reported with what it printed', async () => {
	const redis = fakeBinary('redis-server', 'echo "FATAL CONFIG FILE ERROR" >&2; exit 1');
	await expect(startRedis(dir, redis)).rejects.toThrow(/Redis did not start: Redis exited during start-up \(1\)[\s\S]*FATAL CONFIG FILE ERROR/);
});

it('a Postgres whose initdb fails is reported with initdb\'s words', async () => {
	fakeBinary('initdb', 'echo "initdb: error: could not create directory" >&2; exit 1');
	await expect(startPostgres(dir)).rejects.toThrow(/initdb failed: Command failed with exit code 1[\s\S]*could not create directory/);
});

it('a server that never becomes ready times out instead of hanging', async () => {
	const redis = fakeBinary('redis-server', 'exec sleep 30');
	await expect(startRedis(dir, redis, 1_000)).rejects.toThrow(/Redis did not start: timed out after 1000 ms/);
});
