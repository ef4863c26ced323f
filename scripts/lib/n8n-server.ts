/**
 * Starts a real n8n (2.40.7, or the version scripts/n8n-runtime.js is asked for; from the runtime
 * cache) with a user folder of its own, listening on 127.0.0.1 only, and captures everything it
 * logs.
 *
 * Facts about n8n 2.40.7 this relies on (read from its source):
 * - Community packages are loaded from `<N8N_USER_FOLDER>/.n8n/nodes/node_modules/n8n-nodes-*`
 *   (the community-packages module's node loader scans that folder at start-up, whether or not
 *   the package is recorded in the `installed_packages` table), and their node types are named
 *   `<package name>.<node name>`, e.g. `n8n-nodes-thoughtly.thoughtly`.
 * - `/healthz` answers as soon as the HTTP server listens, before migrations; `/rest/settings`
 *   also answers early. `/healthz/readiness` turns 200 once the database is migrated and the
 *   server is fully set up; active workflows are (re)activated right after, and the log then
 *   says "Editor is now accessible via". (n8n 1.49 has no readiness check; the log line is.)
 * - n8n spawns its JavaScript task runner as `node` from PATH, and runs `npm` from PATH for the
 *   community-package installer: both must find the Node 24 runtime first.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ensureRuntimeAsync, withoutNpmSettings } from '../n8n-runtime';
import { freePort, spawnGroup, StopWaiting, waitFor, type GroupProcess } from './processes';

/** Which n8n process: the main one (editor, API, activation), or queue mode's webhook process or worker. */
export type N8nCommand = 'start' | 'webhook' | 'worker';

/** The line each kind of process logs once it is ready for work. */
const READY_LINE: Record<N8nCommand, RegExp> = {
	start: /Editor is now accessible via/,
	webhook: /Webhook listener waiting for requests/,
	worker: /n8n worker is now ready/,
};

export interface N8nServerOptions {
	/** `n8n start` unless told otherwise; a worker listens on no port of its own. */
	command?: N8nCommand;
	/** Extra arguments for the command, e.g. `--concurrency=5` for a worker. */
	args?: string[];
	/** N8N_USER_FOLDER: n8n keeps `.n8n/` (database, config, community packages) inside it. */
	userFolder: string;
	/** 0 or absent picks a free port. */
	port?: number;
	/** Log level (N8N_LOG_LEVEL); the tests use `debug` to see how packages were loaded. */
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** Extra environment for n8n (wins over the defaults below). */
	env?: Record<string, string>;
	/** Where n8n's output is written (default `<userFolder>/n8n.log`, appended). */
	logFile?: string;
	/** Also echo n8n's output to this stream (e.g. process.stdout for `npm run dev`). */
	echo?: NodeJS.WritableStream;
	/** How long to wait for n8n to become ready (default 180 s). */
	readyTimeoutMs?: number;
}

/** Lines n8n logs when a package of nodes could not be loaded. */
const LOAD_ERROR_PATTERNS = [
	/Failed to load package/i,
	/Skipping package/i,
	/is already loaded/i,
	/Error loading package/i,
	/Unrecognized node type/i,
	/Unrecognized credential type/i,
	/failed to load/i,
	/Cannot find module/i,
	/Package is not loaded/i,
];

const ANSI = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
	return text.replace(ANSI, '');
}

function logTail(output: string): string {
	return stripAnsi(output).slice(-4000);
}

/** The lines of an n8n log that say a package of nodes or a credential failed to load. */
export function findLoadErrors(log: string): string[] {
	return stripAnsi(log)
		.split('\n')
		.filter((line) => LOAD_ERROR_PATTERNS.some((pattern) => pattern.test(line)));
}

/** The environment every n8n the project starts gets, apart from the caller's additions. */
export function n8nEnvironment(options: {
	userFolder: string;
	port: number;
	brokerPort: number;
	logLevel: string;
	nodeBinDir: string;
	n8nVersion: string;
}): Record<string, string> {
	const { userFolder, port, brokerPort, logLevel, nodeBinDir, n8nVersion } = options;
	// Without npm_* variables: they would make the npm n8n runs for community packages act on
	// this repository instead of n8n's folder. Nothing of the parent's n8n or Node settings may
	// leak in either: jest sets NODE_ENV=test, which makes n8n refuse to load nodes and silence its log.
	const base = Object.fromEntries(
		Object.entries(withoutNpmSettings(process.env)).filter(
			([key]) => !/^(N8N_|DB_|EXECUTIONS_|WEBHOOK_URL$|NODE_OPTIONS$|NODE_PATH$|NODE_ENV$|E2E_TESTS$|JEST_)/.test(key),
		),
	);
	const url = `http://127.0.0.1:${port}`;
	return {
		...base,
		PATH: `${nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
		TMPDIR: path.join(userFolder, 'tmp'),
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `${url}/`,
		...webhookUrlSetting(n8nVersion, `${url}/`),
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_LOG_LEVEL: logLevel,
		N8N_LOG_OUTPUT: 'console',
		NO_COLOR: '1',
	};
}

/** n8n 2.x reads N8N_WEBHOOK_URL (WEBHOOK_URL only as a deprecated fallback); n8n 1.x reads WEBHOOK_URL only. */
export function webhookUrlSetting(n8nVersion: string, url: string): Record<string, string> {
	return n8nVersion.startsWith('1.') ? { WEBHOOK_URL: url } : { N8N_WEBHOOK_URL: url };
}

export class N8nServer {
	readonly userFolder: string;
	readonly logFile: string;
	port = 0;
	private proc?: GroupProcess;
	private output = '';
	private logStream?: WriteStream;
	private readonly options: N8nServerOptions;

	constructor(options: N8nServerOptions) {
		this.options = options;
		this.userFolder = path.resolve(options.userFolder);
		this.logFile = options.logFile ?? path.join(this.userFolder, 'n8n.log');
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	get pid(): number | undefined {
		return this.proc?.pid;
	}

	/** Everything n8n printed since this object started it (all runs), without colour codes. */
	log(): string {
		return stripAnsi(this.output);
	}

	/** Log lines that say a package of nodes or a credential failed to load. */
	loadErrors(): string[] {
		return findLoadErrors(this.output);
	}

	async start(): Promise<this> {
		if (this.proc && !this.proc.hasExited()) throw new Error('n8n is already running');
		const runtime = await ensureRuntimeAsync();
		mkdirSync(path.join(this.userFolder, 'tmp'), { recursive: true });
		if (!this.port) this.port = this.options.port || (await freePort());
		const env = n8nEnvironment({
			userFolder: this.userFolder,
			port: this.port,
			brokerPort: await freePort(),
			logLevel: this.options.logLevel ?? 'info',
			nodeBinDir: path.dirname(runtime.nodeBin),
			n8nVersion: runtime.n8nVersion,
		});
		const command = this.options.command ?? 'start';
		const runStart = this.output.length;
		const proc = spawnGroup(runtime.nodeBin, [runtime.n8nBin, command, ...(this.options.args ?? [])], {
			cwd: this.userFolder,
			env: { ...env, ...this.options.env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.proc = proc;
		this.collectOutput(proc);
		const runOutput = () => this.output.slice(runStart);
		try {
			await waitFor(`n8n on ${this.url} to become ready`, () => this.ready(proc, command, runOutput), this.options.readyTimeoutMs ?? 180_000);
		} catch (error) {
			await this.stop();
			if (error instanceof StopWaiting) throw new Error(error.message);
			throw new Error(`${(error as Error).message}\nn8n's log so far:\n${logTail(runOutput())}`);
		}
		return this;
	}

	/** Keeps what n8n prints, writes it to the log file and echoes it where asked. */
	private collectOutput(proc: GroupProcess): void {
		this.logStream ??= createWriteStream(this.logFile, { flags: 'a' });
		const collect = (chunk: Buffer) => {
			const text = chunk.toString('utf8');
			this.output += text;
			this.logStream?.write(text);
			this.options.echo?.write(text);
		};
		proc.child.stdout?.on('data', collect);
		proc.child.stderr?.on('data', collect);
	}

	/** True once this run's ready line is logged and (but for a worker) the readiness check answers. */
	private async ready(proc: GroupProcess, command: N8nCommand, runOutput: () => string): Promise<true | undefined> {
		if (proc.hasExited()) throw new StopWaiting(`n8n exited during start-up (${await proc.exited}). Its log:\n${logTail(runOutput())}`);
		if (!READY_LINE[command].test(runOutput())) return undefined;
		if (command === 'worker') return true;
		const response = await fetch(`${this.url}/healthz/readiness`).catch(() => undefined);
		// n8n 1.49 has no readiness check (404): the ready line is the sign there.
		return response?.status === 200 || response?.status === 404 ? true : undefined;
	}

	/** Stops n8n and every process it started (its task runner); keeps the user folder. */
	async stop(): Promise<void> {
		const proc = this.proc;
		this.proc = undefined;
		await proc?.stop();
	}

	/**
	 * Resolves with the exit code if the running n8n exits without stop() being called (a crash,
	 * a kill from outside); never resolves otherwise.
	 */
	async exitedUnexpectedly(): Promise<number | string> {
		const proc = this.proc;
		if (!proc) return await new Promise<never>(() => undefined);
		const code = await proc.exited;
		// stop() and restart() replace this.proc before the process exits.
		return this.proc === proc ? code : await new Promise<never>(() => undefined);
	}

	/** Stops n8n and starts it again on the same port with the same user folder. */
	async restart(): Promise<this> {
		await this.stop();
		// The port is released with the process; a short pause avoids racing a lingering socket.
		await delay(200);
		return await this.start();
	}

	/** Closes the log file; call after the last stop. */
	async close(): Promise<void> {
		await this.stop();
		const stream = this.logStream;
		this.logStream = undefined;
		if (stream) await new Promise<void>((resolve) => stream.end(resolve));
	}
}
