import { sleep } from 'n8n-workflow';

/** A request that has been let through; say when its answer arrived (or it failed). */
export interface Slot {
	answered(): void;
}

/**
 * Keeps the requests made with one API token within Thoughtly's limit: at most `limit`
 * requests in any `windowMs` (Thoughtly counts 100 per minute, per token, across all
 * endpoints, in a fixed window that starts with the first request it receives).
 *
 * Thoughtly counts a request when it arrives, which is some time after the node sent it.
 * Counting from the send would let a request of the next minute arrive before Thoughtly's
 * minute is over, and be refused. So each request counts from the moment its answer came back
 * (it cannot have arrived later than that), and a request still waiting for its answer counts
 * as sent just now. Then no `limit + 1` requests ever reach Thoughtly within `windowMs`,
 * whatever the latency.
 *
 * A 429 pauses every request made with the token, also those already waiting for their turn.
 */
export class RequestWindow {
	/** When the answers to the recent requests arrived, oldest first. */
	private readonly answeredAt: number[] = [];

	private inFlight = 0;

	private waiting = 0;

	private pausedUntil = 0;

	/** Requests are let through in the order they asked. */
	private queue: Promise<unknown> = Promise.resolve();

	/** Wakes a request that waits for an answer to make room. */
	private changed = signal();

	constructor(
		private limit: number,
		private readonly windowMs: number,
		private readonly now: () => number = () => Date.now(),
		private readonly wait: (ms: number) => Promise<void> = sleep,
	) {}

	setLimit(limit: number) {
		const next = Math.max(1, Math.floor(limit));
		if (next === this.limit) return;
		this.limit = next;
		this.wake(); // a higher limit may make room for a request waiting for an answer
	}

	/**
	 * Waits until one more request may be sent and counts it as in flight. Resolves to
	 * `undefined`, without waiting, when Thoughtly asked for a pause longer than `maxPauseMs`.
	 */
	async acquire(maxPauseMs = Infinity): Promise<Slot | undefined> {
		this.waiting++;
		const turn = this.queue.then(async () => await this.admit(maxPauseMs));
		this.queue = turn.catch(() => undefined);
		try {
			return await turn;
		} finally {
			this.waiting--;
		}
	}

	/**
	 * Lets one request through now if it need not wait (no pause, room in the window, nobody
	 * queued before it); `undefined` otherwise, counting nothing: for requests that are better
	 * left out than late.
	 */
	tryAcquire(): Slot | undefined {
		const now = this.now();
		if (this.waiting || this.freeAt(now) !== now) return undefined;
		this.inFlight++;
		return this.slot();
	}

	/**
	 * Thoughtly refused a request with 429: nothing is sent with this token for `ms`. With
	 * `windowEnds`, Thoughtly said when its window ends (Retry-After): what was answered so far
	 * was counted in that window and no longer limits what is sent after the pause.
	 */
	pause(ms: number, { windowEnds = false } = {}) {
		this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
		if (windowEnds) this.answeredAt.length = 0;
	}

	/** How long Thoughtly's last pause still lasts. */
	pauseLeft(): number {
		return Math.max(0, this.pausedUntil - this.now());
	}

	/** True when the window holds nothing that still matters, so it can be forgotten. */
	isIdle(): boolean {
		const now = this.now();
		this.forgetBefore(now - this.windowMs);
		return !this.inFlight && !this.waiting && !this.answeredAt.length && this.pausedUntil <= now;
	}

	private async admit(maxPauseMs: number): Promise<Slot | undefined> {
		for (;;) {
			const now = this.now();
			if (this.pausedUntil - now > maxPauseMs) return undefined;
			const at = this.freeAt(now);
			if (at === undefined) {
				await this.changed.promise;
			} else if (at > now) {
				// Checked again after waiting: a pause may have come in meanwhile.
				await this.wait(at - now);
			} else {
				this.inFlight++;
				return this.slot();
			}
		}
	}

	/** When the next request may leave; `undefined` while only an answer can make room. */
	private freeAt(now: number): number | undefined {
		this.forgetBefore(now - this.windowMs);
		const at = Math.max(now, this.pausedUntil);
		const mustLeave = this.inFlight + this.answeredAt.length + 1 - this.limit;
		if (mustLeave <= 0) return at;
		if (mustLeave > this.answeredAt.length) return undefined;
		return Math.max(at, this.answeredAt[mustLeave - 1] + this.windowMs);
	}

	private slot(): Slot {
		let done = false;
		return {
			answered: () => {
				if (done) return;
				done = true;
				this.inFlight--;
				const now = this.now();
				let i = this.answeredAt.length;
				while (i > 0 && this.answeredAt[i - 1] > now) i--;
				this.answeredAt.splice(i, 0, now);
				this.wake();
			},
		};
	}

	private forgetBefore(time: number) {
		let expired = 0;
		while (expired < this.answeredAt.length && this.answeredAt[expired] <= time) expired++;
		if (expired) this.answeredAt.splice(0, expired);
	}

	private wake() {
		this.changed.resolve();
		this.changed = signal();
	}
}

function signal(): { promise: Promise<void>; resolve: () => void } {
	let resolve = () => {};
	const promise = new Promise<void>((r) => (resolve = r));
	return { promise, resolve };
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
