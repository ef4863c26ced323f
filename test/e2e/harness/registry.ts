/**
 * A real npm registry on 127.0.0.1 (verdaccio, a dev dependency) with its storage, config and
 * users in a folder of its own, and no uplinks: it serves only what the suite publishes to it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import execa from 'execa';
import { withoutNpmSettings } from '../../../scripts/n8n-runtime';
import { fetchOnFreshConnection } from '../../../scripts/lib/n8n-client';
import { freePort, spawnGroup, StopWaiting, waitFor, type GroupProcess } from '../../../scripts/lib/processes';
import { REPO_DIR } from '../../../scripts/lib/package-install';

export class LocalRegistry {
	readonly dir: string;
	port = 0;
	private proc?: GroupProcess;
	private output = '';
	private token?: string;

	constructor(dir: string) {
		this.dir = dir;
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	log(): string {
		return this.output;
	}

	async start(): Promise<this> {
		mkdirSync(path.join(this.dir, 'storage'), { recursive: true });
		this.port = await freePort();
		// JSON is YAML too: verdaccio reads it as its config.yaml.
		const config = {
			storage: path.join(this.dir, 'storage'),
			auth: { htpasswd: { file: path.join(this.dir, 'htpasswd'), max_users: 10 } },
			uplinks: {},
			packages: { '**': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' } },
			web: { enable: false },
			log: { type: 'stdout', format: 'pretty', level: 'warn' },
		};
		const configFile = path.join(this.dir, 'config.yaml');
		writeFileSync(configFile, JSON.stringify(config, null, 2));
		const bin = path.join(REPO_DIR, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
		const proc = spawnGroup(process.execPath, [bin, '--config', configFile, '--listen', `127.0.0.1:${this.port}`], {
			cwd: this.dir,
			env: { ...process.env, NODE_OPTIONS: '' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.proc = proc;
		const collect = (chunk: Buffer) => (this.output += chunk.toString());
		proc.child.stdout?.on('data', collect);
		proc.child.stderr?.on('data', collect);
		await waitFor(
			`verdaccio on ${this.url}`,
			async () => {
				if (proc.hasExited()) throw new StopWaiting(`verdaccio exited: ${this.output}`);
				const response = await fetch(`${this.url}/-/ping`).catch(() => undefined);
				return response?.ok ? true : undefined;
			},
			60_000,
		);
		return this;
	}

	/** Registers a user (verdaccio's htpasswd plugin) and keeps its token for publishing. */
	async addUser(name: string, password: string): Promise<string> {
		const response = await fetchOnFreshConnection(`${this.url}/-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
			method: 'PUT',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ name, password }),
		});
		const body = (await response.json()) as { token?: string; error?: string };
		if (!response.ok || !body.token) throw new Error(`verdaccio refused user ${name}: ${body.error ?? response.status}`);
		this.token = body.token;
		return body.token;
	}

	/** `npm publish <tarball>` to this registry, as a package author would. */
	publish(tarball: string): void {
		if (!this.token) throw new Error('add a user before publishing');
		const npmrc = path.join(this.dir, 'publish.npmrc');
		writeFileSync(npmrc, `//127.0.0.1:${this.port}/:_authToken=${this.token}\n`);
		execa.sync('npm', ['publish', tarball, '--registry', `${this.url}/`, '--userconfig', npmrc, '--access', 'public'], {
			cwd: this.dir,
			env: withoutNpmSettings(process.env),
			extendEnv: false,
		});
	}

	/** The registry's record of a package (its packument), as npm reads it. */
	async packument(name: string): Promise<{ 'dist-tags': Record<string, string>; versions: Record<string, unknown> }> {
		const response = await fetchOnFreshConnection(`${this.url}/${encodeURIComponent(name)}`, {});
		if (!response.ok) throw new Error(`registry has no ${name} (${response.status})`);
		return (await response.json()) as { 'dist-tags': Record<string, string>; versions: Record<string, unknown> };
	}

	async stop(): Promise<void> {
		const proc = this.proc;
		this.proc = undefined;
		if (proc) await proc.stop(10_000);
	}
}
