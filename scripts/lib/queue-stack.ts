/**
 * n8n in queue mode, as self-hosted users scale it out: Postgres and Redis, one main process
 * (editor, REST API, activation), one webhook process that receives production webhooks, and
 * workers that run every execution, manual ones included. Each n8n process has a user folder of
 * its own with the package installed as a community package (as on separate machines) and the
 * same encryption key.
 *
 * Facts about n8n 2.40.7 this relies on (read from its source): `EXECUTIONS_MODE=queue` puts
 * executions on a Bull queue in Redis; `OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true` sends manual
 * runs there too; `N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true` leaves production webhooks to the
 * webhook process; a worker logs "Worker started execution <id> (job <n>)" for each execution
 * it runs, which is how a test tells which process ran what.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runtimePaths } from '../n8n-runtime';
import { N8nServer, webhookUrlSetting } from './n8n-server';
import { installTarball } from './package-install';
import { freePort } from './processes';
import { ensureQueueServers, startPostgres, startRedis, type Service } from './queue-services';

export interface QueueStackOptions {
	/** Each process gets `<workDir>/<name>` as its user folder. */
	workDir: string;
	/** The packed package, installed into every process's community-nodes folder. */
	tarball: string;
	workers?: number;
	/** Executions one worker runs at once (n8n's default is 10). */
	workerConcurrency?: number;
	/** Port of the main process (0 or absent: a free one). */
	mainPort?: number;
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
	echo?: NodeJS.WritableStream;
	say?: (message: string) => void;
}

export class QueueStack {
	main!: N8nServer;
	webhook!: N8nServer;
	workers: N8nServer[] = [];
	private services: Service[] = [];
	private readonly options: QueueStackOptions;

	constructor(options: QueueStackOptions) {
		this.options = options;
	}

	/** The address Thoughtly must reach: the webhook process. */
	get webhookUrl(): string {
		return this.webhook.url;
	}

	/** Every n8n process, main first. */
	get processes(): N8nServer[] {
		return [this.main, this.webhook, ...this.workers].filter(Boolean);
	}

	/** The worker whose log says it ran this execution (undefined if none did). */
	workerThatRan(executionId: string): N8nServer | undefined {
		const line = new RegExp(`Worker started execution ${executionId} \\(`);
		return this.workers.find((worker) => line.test(worker.log()));
	}

	async start(): Promise<this> {
		const say = this.options.say ?? (() => undefined);
		try {
			const { postgresBin, redisServer } = ensureQueueServers();
			say('starting Postgres and Redis ...');
			const [postgres, redis] = await Promise.all([startPostgres(postgresBin), startRedis(path.join(this.options.workDir, 'redis'), redisServer)]);
			this.services.push(postgres, redis);
			const webhookPort = await freePort();
			const env = this.environment(postgres.port, redis.port, webhookPort);
			const server = (name: string, command: 'start' | 'webhook' | 'worker', more: { port?: number; args?: string[]; env?: Record<string, string> } = {}) =>
				new N8nServer({
					userFolder: this.userFolder(name),
					command,
					port: more.port,
					args: more.args,
					env: { ...env, ...more.env },
					logLevel: this.options.logLevel ?? 'debug',
					echo: this.options.echo,
				});
			this.main = server('main', 'start', { port: this.options.mainPort, env: { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' } });
			this.webhook = server('webhook', 'webhook', { port: webhookPort });
			this.workers = Array.from({ length: this.options.workers ?? 2 }, (_, i) => server(`worker-${i + 1}`, 'worker', { args: [`--concurrency=${this.options.workerConcurrency ?? 10}`] }));
			// Main migrates the database: the other processes start once it is ready.
			say('starting n8n main ...');
			await this.main.start();
			say(`starting the webhook process and ${this.workers.length} workers ...`);
			await Promise.all([this.webhook.start(), ...this.workers.map((worker) => worker.start())]);
			return this;
		} catch (error) {
			await this.stop();
			throw error;
		}
	}

	/** Stops every n8n process, then Redis and Postgres; safe to call more than once. */
	async stop(): Promise<void> {
		await Promise.all(this.processes.map((server) => server.close()));
		const services = this.services.splice(0).reverse();
		for (const service of services) await service.stop();
	}

	private userFolder(name: string): string {
		const folder = path.join(this.options.workDir, name);
		mkdirSync(folder, { recursive: true });
		installTarball(this.options.tarball, folder);
		return folder;
	}

	private environment(postgresPort: number, redisPort: number, webhookPort: number): Record<string, string> {
		return {
			EXECUTIONS_MODE: 'queue',
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgresPort),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			...webhookUrlSetting(runtimePaths().n8nVersion, `http://127.0.0.1:${webhookPort}/`),
			...this.options.env,
		};
	}
}
