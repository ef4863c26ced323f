/**
 * The per-token request window, on an injected clock: how long each request is held back.
 */
import { RequestWindow, requestWindowFor } from '../../../../nodes/Thoughtly/transport/requestWindow';

/** A clock that only moves when a request waits; every wait is recorded. */
function fakeClock(start = 1_000_000) {
	let now = start;
	const waits: number[] = [];
	return {
		now: () => now,
		wait: async (ms: number) => {
			waits.push(ms);
			now += ms;
		},
		advance: (ms: number) => {
			now += ms;
		},
		waits,
	};
}

function windowOf(limit: number, windowMs: number, clock: ReturnType<typeof fakeClock>) {
	return new RequestWindow(limit, windowMs, clock.now, clock.wait);
}

describe('RequestWindow', () => {
	it('lets the first `limit` requests go at once', async () => {
		const clock = fakeClock();
		const window = windowOf(3, 60_000, clock);
		for (let i = 0; i < 3; i++) await window.acquire();
		expect(clock.waits).toEqual([]);
	});

	it('holds the next request until the oldest has left the window', async () => {
		const clock = fakeClock();
		const window = windowOf(2, 60_000, clock);
		await window.acquire(); // t = 0
		clock.advance(10_000);
		await window.acquire(); // t = 10 s
		clock.advance(5_000);
		await window.acquire(); // t = 15 s: waits until the first is 60 s old
		expect(clock.waits).toEqual([45_000]);
		await window.acquire(); // t = 60 s: waits until the second is 60 s old
		expect(clock.waits).toEqual([45_000, 10_000]);
	});

	it('never lets more than `limit` requests into any window, however they are asked', async () => {
		const clock = fakeClock(0);
		const window = windowOf(5, 1_000, clock);
		const sentAt: number[] = [];
		for (let i = 0; i < 23; i++) {
			if (i % 4 === 0) clock.advance(170);
			await window.acquire();
			sentAt.push(clock.now());
		}
		for (const t of sentAt) {
			expect(sentAt.filter((s) => s > t - 1_000 && s <= t).length).toBeLessThanOrEqual(5);
		}
	});

	it('does not hold requests that are spread out', async () => {
		const clock = fakeClock();
		const window = windowOf(2, 1_000, clock);
		for (let i = 0; i < 6; i++) {
			await window.acquire();
			clock.advance(600);
		}
		expect(clock.waits).toEqual([]);
	});

	it('queues requests that ask side by side', async () => {
		const clock = fakeClock(0);
		// All four ask at t = 0, before any of them has waited (the clock does not move).
		const waits: number[] = [];
		const recordingWindow = new RequestWindow(2, 1_000, clock.now, async (ms) => {
			waits.push(ms);
		});
		await Promise.all([0, 1, 2, 3].map(async () => await recordingWindow.acquire()));
		expect(waits).toEqual([1_000, 1_000]);
		// and a fifth, still at t = 0, goes after the queued pair leaves: at 2 s
		await recordingWindow.acquire();
		expect(waits).toEqual([1_000, 1_000, 2_000]);
	});

	it("pauses every request after a 429's Retry-After", async () => {
		const clock = fakeClock();
		const window = windowOf(100, 60_000, clock);
		await window.acquire();
		window.pause(3_000);
		await window.acquire();
		expect(clock.waits).toEqual([3_000]);
		await window.acquire();
		expect(clock.waits).toEqual([3_000]);
	});

	it('follows a lowered limit', async () => {
		const clock = fakeClock();
		const window = windowOf(10, 60_000, clock);
		await window.acquire();
		await window.acquire();
		window.setLimit(2);
		await window.acquire();
		expect(clock.waits).toEqual([60_000]);
	});

	it('is idle once nothing in it matters any more', async () => {
		const clock = fakeClock();
		const window = windowOf(2, 1_000, clock);
		expect(window.isIdle()).toBe(true);
		await window.acquire();
		expect(window.isIdle()).toBe(false);
		clock.advance(1_000);
		expect(window.isIdle()).toBe(true);
		window.pause(500);
		expect(window.isIdle()).toBe(false);
	});
});

describe('requestWindowFor', () => {
	it('shares one window per key and applies the latest limit', () => {
		const a = requestWindowFor('https://api.thoughtly.com tk_a', 100);
		expect(requestWindowFor('https://api.thoughtly.com tk_a', 20)).toBe(a);
		expect(requestWindowFor('https://api.thoughtly.com tk_b', 100)).not.toBe(a);
	});
});
