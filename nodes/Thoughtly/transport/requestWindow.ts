import { sleep } from 'n8n-workflow';

/**
 * Keeps the requests made with one API token within Thoughtly's limit: at most `limit`
 * requests in any `windowMs` (Thoughtly counts 100 per minute, per token, across all
 * endpoints). It remembers when each of the last `limit` requests was sent; a new request
 * waits until the oldest of them has left the window. A 429's Retry-After pauses every request
 * made with the token, not just the one that was refused.
 */
export class RequestWindow {
	private readonly sentAt: number[] = [];

	private pausedUntil = 0;

	constructor(
		private limit: number,
		private readonly windowMs: number,
		private readonly now: () => number = Date.now,
		private readonly wait: (ms: number) => Promise<void> = sleep,
	) {}

	setLimit(limit: number) {
		this.limit = Math.max(1, Math.floor(limit));
	}

	/** Waits, if needed, until one more request may be sent, and counts it as sent. */
	async acquire(): Promise<void> {
		const now = this.now();
		while (this.sentAt.length && this.sentAt[0] <= now - this.windowMs) this.sentAt.shift();

		// Requests leave in the order they asked, so the log stays sorted.
		let sendAt = Math.max(now, this.pausedUntil, this.sentAt[this.sentAt.length - 1] ?? 0);
		if (this.sentAt.length >= this.limit) {
			sendAt = Math.max(sendAt, this.sentAt[this.sentAt.length - this.limit] + this.windowMs);
		}
		// The slot is taken before waiting, so that requests waiting side by side queue up.
		this.sentAt.push(sendAt);
		if (sendAt > now) await this.wait(sendAt - now);
	}

	/** Thoughtly refused a request with 429: nothing is sent with this token for `ms`. */
	pause(ms: number) {
		this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
	}

	/** True when the window holds nothing that still matters, so it can be forgotten. */
	isIdle(): boolean {
		const now = this.now();
		const last = this.sentAt[this.sentAt.length - 1] ?? 0;
		return last <= now - this.windowMs && this.pausedUntil <= now;
	}
}

const WINDOW_MS = 60_000;
const windows = new Map<string, RequestWindow>();

/** The window shared by every request made with one API token in this n8n process. */
export function requestWindowFor(key: string, requestsPerMinute: number): RequestWindow {
	for (const [otherKey, window] of windows) {
		if (otherKey !== key && window.isIdle()) windows.delete(otherKey);
	}
	let window = windows.get(key);
	if (!window) {
		window = new RequestWindow(requestsPerMinute, WINDOW_MS);
		windows.set(key, window);
	}
	window.setLimit(requestsPerMinute);
	return window;
}
