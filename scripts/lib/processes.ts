/**
 * Child processes that must never outlive the script that started them: each runs in a
 * process group of its own (so n8n's task runner and npm's children go with it) and is
 * stopped by signalling the whole group.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

export interface GroupProcess {
	child: ChildProcess;
	pid: number;
	/** Resolves with the exit code (or the signal's name) once the process has exited. */
	exited: Promise<number | string>;
	hasExited(): boolean;
	/** SIGTERM to the group, SIGKILL after `graceMs`; resolves when nothing of the group is left. */
	stop(graceMs?: number): Promise<void>;
}

const live = new Set<GroupProcess>();
let exitHookInstalled = false;

/** Last resort when the parent exits without stopping its children (an uncaught error, process.exit). */
function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const proc of live) killGroup(proc.pid, 'SIGKILL');
	});
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

/** True while any process of the group is still alive. */
export function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

export function spawnGroup(command: string, args: string[], options: SpawnOptions): GroupProcess {
	installExitHook();
	const child = spawn(command, args, { ...options, detached: true });
	if (child.pid === undefined) throw new Error(`could not start ${command}`);
	const pid = child.pid;
	let done = false;
	const exited = new Promise<number | string>((resolve) => {
		child.once('exit', (code, signal) => {
			done = true;
			resolve(code ?? signal ?? 'unknown');
		});
		child.once('error', (error) => {
			done = true;
			resolve(`error: ${error.message}`);
		});
	});
	const proc: GroupProcess = {
		child,
		pid,
		exited,
		hasExited: () => done,
		async stop(graceMs = 45_000) {
			killGroup(pid, 'SIGTERM');
			const deadline = Date.now() + graceMs;
			// The main process exits first; the group may still hold children for a moment.
			while (groupAlive(pid) && Date.now() < deadline) await delay(100);
			if (groupAlive(pid)) {
				killGroup(pid, 'SIGKILL');
				while (groupAlive(pid)) await delay(50);
			}
			await exited;
			live.delete(proc);
		},
	};
	live.add(proc);
	return proc;
}

export function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** True when nothing accepts connections on 127.0.0.1:port. */
export async function portIsFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** Thrown by a `waitFor` check to stop waiting at once (the thing waited for can no longer happen). */
export class StopWaiting extends Error {}

/**
 * Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`.
 * Errors thrown by `check` count as "not yet", except StopWaiting, which ends the wait.
 */
export async function waitFor<T>(
	what: string,
	check: () => Promise<T | undefined> | T | undefined,
	timeoutMs: number,
	intervalMs = 250,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined) return value;
		} catch (error) {
			if (error instanceof StopWaiting) throw error;
			lastError = error;
		}
		if (Date.now() >= deadline) {
			const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
		}
		await delay(intervalMs);
	}
}
