/**
 * Child processes that must never outlive the script that started them: each runs in a
 * process group of its own (so n8n's task runner and npm's children go with it) and is
 * stopped by signalling the whole group. Plus free ports and polling.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import getPort from 'get-port';

export interface GroupProcess {
	child: ChildProcess;
	pid: number;
	/** Resolves with the exit code (or the signal's name) once the process has exited. */
	exited: Promise<number | string>;
	hasExited(): boolean;
	/** SIGTERM to the group, SIGKILL after `graceMs`; resolves when nothing of the group is left. */
	stop(graceMs?: number): Promise<void>;
}

const live = new Set<number>();
/** Last resort when this process exits without stopping its children (an uncaught error, process.exit). */
const killLeftovers = () => live.forEach((pid) => signalGroup(pid, 'SIGKILL'));

/** Sends `signal` to every process of the group; 0 only tests whether any is still alive. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
	try {
		return process.kill(-pid, signal);
	} catch {
		return false;
	}
}

/** True while any process of the group is still alive. */
export function groupAlive(pid: number): boolean {
	return signalGroup(pid, 0);
}

export function spawnGroup(command: string, args: string[], options: SpawnOptions): GroupProcess {
	if (!process.listeners('exit').includes(killLeftovers)) process.on('exit', killLeftovers);
	const child = spawn(command, args, { ...options, detached: true });
	if (child.pid === undefined) throw new Error(`could not start ${command}`);
	const pid = child.pid;
	live.add(pid);
	let done = false;
	const exited = new Promise<number | string>((resolve) => {
		child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
		child.once('error', (error) => resolve(`error: ${error.message}`));
	}).finally(() => (done = true));
	const groupGone = (what: string, timeoutMs: number) => waitFor(what, () => (groupAlive(pid) ? undefined : true), timeoutMs, 100);
	return {
		child,
		pid,
		exited,
		hasExited: () => done,
		async stop(graceMs = 45_000) {
			signalGroup(pid, 'SIGTERM');
			// The main process exits first; the group may still hold children for a moment.
			await groupGone(`${command} to stop`, graceMs).catch(() => {
				signalGroup(pid, 'SIGKILL');
				return groupGone(`${command} to be killed`, 30_000);
			});
			await exited;
			live.delete(pid);
		},
	};
}

/** A TCP port on 127.0.0.1 that was free a moment ago (and that this process has not handed out lately). */
export async function freePort(): Promise<number> {
	return await getPort({ host: '127.0.0.1' });
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
