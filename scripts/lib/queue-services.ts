/**
 * Postgres and Redis for n8n's queue mode, as plain processes on 127.0.0.1 with their data in a
 * folder of the caller's: no system service, nothing left behind once stopped.
 *
 * The servers come from the machine (Debian's `postgresql` and `redis-server`, Homebrew's on a
 * Mac). Where they are missing on a Debian-like machine, they are installed with apt-get
 * (scripts/apt.js); otherwise the error says what to install. Postgres refuses to run as
 * root, so as root its commands run as the `postgres` user (created by Debian's package).
 */
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import execa from 'execa';
import { aptInstall, isRoot } from '../apt';
import { freePort, portIsFree, spawnGroup, StopWaiting, waitFor, type GroupProcess } from './processes';

export interface Service {
	name: string;
	port: number;
	stop(): Promise<void>;
}

function onPath(command: string): string | undefined {
	return execa.sync('sh', ['-c', `command -v ${command}`], { reject: false }).stdout || undefined;
}

/** The folder holding `postgres` and `initdb`: Debian keeps them out of PATH, per major version. */
function postgresBinDir(): string | undefined {
	if (process.env.THOUGHTLY_PG_BIN) return process.env.THOUGHTLY_PG_BIN;
	const debian = '/usr/lib/postgresql';
	if (existsSync(debian)) {
		const versions = readdirSync(debian)
			.filter((v) => existsSync(path.join(debian, v, 'bin', 'postgres')))
			.sort((a, b) => Number(b) - Number(a));
		if (versions.length) return path.join(debian, versions[0], 'bin');
	}
	const initdb = onPath('initdb');
	return initdb && existsSync(path.join(path.dirname(initdb), 'postgres')) ? path.dirname(initdb) : undefined;
}

/** Makes sure both servers are on this machine, installing the missing ones where it can. */
export function ensureQueueServers(): { postgresBin: string; redisServer: string } {
	const missing = [
		...(postgresBinDir() ? [] : ['postgresql']),
		...(onPath('redis-server') ? [] : ['redis-server']),
	];
	if (missing.length) {
		const install = `Debian/Ubuntu: apt-get install ${missing.join(' ')}; macOS: brew install postgresql redis`;
		aptInstall(missing, `Queue mode needs ${missing.join(' and ')}, which are not installed and could not be installed (${install})`);
	}
	const postgresBin = postgresBinDir();
	const redisServer = onPath('redis-server');
	if (!postgresBin || !redisServer) throw new Error(`Still missing after installing: ${postgresBin ? '' : 'postgres '}${redisServer ? '' : 'redis-server'}`);
	return { postgresBin, redisServer };
}

/** As root, Postgres's commands run as the `postgres` user; otherwise as we are. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
	return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/** Waits for a service's readiness line in its output; a process that exits first ends the wait. */
async function startProcess(
	name: string,
	command: [string, string[]],
	ready: RegExp,
	port: number,
	timeoutMs: number,
): Promise<Service> {
	const proc: GroupProcess = spawnGroup(command[0], command[1], { stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
	proc.child.stdout?.on('data', collect);
	proc.child.stderr?.on('data', collect);
	const service: Service = { name, port, stop: () => proc.stop(30_000) };
	try {
		await waitFor(
			`${name} on 127.0.0.1:${port}`,
			async () => {
				if (proc.hasExited()) throw new StopWaiting(`${name} exited during start-up (${await proc.exited}):\n${output.slice(-3000)}`);
				return ready.test(output) && !(await portIsFree(port)) ? true : undefined;
			},
			timeoutMs,
		);
	} catch (error) {
		await proc.stop(5_000);
		throw new Error(`${name} did not start: ${(error as Error).message}\n${output.slice(-3000)}`);
	}
	return service;
}

/**
 * A fresh Postgres cluster trusting local connections (user `postgres`). Its data lives in a
 * folder of its own under the system's temp folder, which the `postgres` user can reach whatever
 * the caller's folder permits; it is removed when the server stops.
 */
export async function startPostgres(binDir: string, timeoutMs = 60_000): Promise<Service> {
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'thoughtly-postgres-'));
	if (isRoot()) {
		const { uid, gid } = postgresUser();
		chownSync(dataDir, uid, gid);
	}
	const [initCommand, initArgs] = asPostgresUser(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
	try {
		execa.sync(initCommand, initArgs, { timeout: timeoutMs });
	} catch (error) {
		rmSync(dataDir, { recursive: true, force: true });
		throw new Error(`initdb failed: ${(error as Error).message}`);
	}
	const port = await freePort();
	const args = ['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', dataDir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'];
	const service = await startProcess('Postgres', asPostgresUser(path.join(binDir, 'postgres'), args), /ready to accept connections/, port, timeoutMs).catch((error) => {
		rmSync(dataDir, { recursive: true, force: true });
		throw error;
	});
	return {
		...service,
		async stop() {
			await service.stop();
			rmSync(dataDir, { recursive: true, force: true });
		},
	};
}

function postgresUser(): { uid: number; gid: number } {
	const id = (flag: string) => Number(execa.sync('id', [flag, 'postgres'], { reject: false }).stdout);
	const uid = id('-u');
	if (!Number.isInteger(uid) || uid <= 0) throw new Error('Postgres refuses to run as root, and there is no "postgres" user to run it as (Debian\'s postgresql package creates one).');
	return { uid, gid: id('-g') };
}

/** A Redis that keeps nothing on disk. */
export async function startRedis(dir: string, redisServer: string, timeoutMs = 30_000): Promise<Service> {
	const dataDir = path.join(dir, 'redis');
	mkdirSync(dataDir, { recursive: true });
	const port = await freePort();
	const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dataDir, '--daemonize', 'no'];
	return await startProcess('Redis', [redisServer, args], /Ready to accept connections/, port, timeoutMs);
}
