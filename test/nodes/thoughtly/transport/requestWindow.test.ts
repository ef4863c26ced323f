/**
 * The per-token request window, on virtual time: when each request may leave, and what reaches
 * a server that counts requests as Thoughtly does (a fixed window that starts with the first
 * request to arrive), when every request takes time to get there.
 */
import type { Slot } from '../../../../nodes/Thoughtly/transport/requestWindow';
import { RequestWindow, requestWindowFor } from '../../../../nodes/Thoughtly/transport/requestWindow';
import { VirtualTime } from '../../../helpers/virtualTime';

function windowOn(time: VirtualTime, limit: number, windowMs: number) {
	return new RequestWindow(limit, windowMs, time.now, time.wait);
}

async function admitted(window: RequestWindow, maxPauseMs?: number): Promise<Slot> {
	const slot = await window.acquire(maxPauseMs);
	if (!slot) throw new Error('the request was not let through');
	return slot;
}

/** Takes a slot and says at once that the answer came (a request with no latency); returns when it left. */
async function sendAt(time: VirtualTime, window: RequestWindow): Promise<number> {
	const slot = await admitted(window);
	const left = time.now();
	slot.answered();
	return left;
}

/** Thoughtly's limit on its own clock: a fixed window that starts with the first arrival. */
function fixedWindowServer(limit: number, windowMs: number, now: () => number) {
	let start = -Infinity;
	let count = 0;
	const arrivals: number[] = [];
	const refused: number[] = [];
	return {
		arrivals,
		refused,
		arrive() {
			const t = now();
			if (t - start >= windowMs) {
				start = t;
				count = 0;
			}
			count++;
			arrivals.push(t);
			if (count > limit) refused.push(t);
		},
	};
}

/**
 * One-way latencies between 1 and 10 ms (a request through n8n to a nearby server takes about 6 ms),
 * the same every run; the first is slow (a new connection, 300 ms).
 */
function latencies(seed: number) {
	let state = seed;
	let first = true;
	return () => {
		state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
		if (first) {
			first = false;
			return 300;
		}
		return 1 + (state % 10);
	};
}

/**
 * One request through the window: it reaches the server `up` ms after it left, and its answer
 * reaches the node `down` ms after that.
 */
async function roundTrip(
	time: VirtualTime,
	window: RequestWindow,
	server: ReturnType<typeof fixedWindowServer>,
	latency: () => number,
) {
	const slot = await admitted(window);
	await time.wait(latency());
	server.arrive();
	await time.wait(latency());
	slot.answered();
}

describe('RequestWindow against a server whose clock sees each request only when it arrives', () => {
	it('300 requests one after the other at 100 per minute: none arrives early, and they take two minutes', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 100, 60_000);
		const server = fixedWindowServer(100, 60_000, time.now);
		const latency = latencies(7);
		await time.run(
			(async () => {
				for (let i = 0; i < 300; i++) await roundTrip(time, window, server, latency);
			})(),
		);
		expect(server.arrivals).toHaveLength(300);
		expect(server.refused).toEqual([]);
		// The bound is two whole windows (the 3rd minute starts at 120 s); latency adds a little.
		expect(time.now()).toBeLessThanOrEqual(120_000 * 1.03);
	});

	it('requests sent side by side (three executions sharing the token): none arrives early', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 10, 1_000);
		const server = fixedWindowServer(10, 1_000, time.now);
		const latency = latencies(11);
		const execution = async () => {
			for (let i = 0; i < 40; i++) await roundTrip(time, window, server, latency);
		};
		await time.run(Promise.all([execution(), execution(), execution()]));
		expect(server.arrivals).toHaveLength(120);
		expect(server.refused).toEqual([]);
	});

	it('two workers that share a token but not memory: 429s at 100 per minute each, none at 50 each', async () => {
		const refusedWith = async (perWorker: number) => {
			const time = new VirtualTime();
			const server = fixedWindowServer(100, 60_000, time.now);
			const worker = async (seed: number) => {
				const window = windowOn(time, perWorker, 60_000); // each process has its own
				const latency = latencies(seed);
				for (let i = 0; i < 150; i++) await roundTrip(time, window, server, latency);
			};
			await time.run(Promise.all([worker(3), worker(5)]));
			expect(server.arrivals).toHaveLength(300);
			return server.refused.length;
		};
		expect(await refusedWith(100)).toBeGreaterThan(0);
		expect(await refusedWith(50)).toBe(0);
	});

	it('counts a request that has not been answered yet as sent just now', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 2, 1_000);
		const first = await admitted(window);
		await admitted(window);
		let thirdLeft: number | undefined;
		const third = (async () => {
			await admitted(window);
			thirdLeft = time.now();
		})();
		await time.run(
			(async () => {
				await time.wait(5_000); // no answer yet: the third must not leave
				expect(thirdLeft).toBeUndefined();
				first.answered(); // at 5 s
				await third;
			})(),
		);
		expect(thirdLeft).toBe(6_000);
	});
});

describe('RequestWindow', () => {
	it('lets the first `limit` requests go at once', async () => {
		const time = new VirtualTime(1_000_000);
		const window = windowOn(time, 3, 60_000);
		for (let i = 0; i < 3; i++) await sendAt(time, window);
		expect(time.waits).toEqual([]);
	});

	it('holds the next request until the oldest answer is a window old', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 2, 60_000);
		const left = await time.run(
			(async () => {
				const times = [await sendAt(time, window)]; // 0 s
				time.advance(10_000);
				times.push(await sendAt(time, window)); // 10 s
				time.advance(5_000);
				times.push(await sendAt(time, window)); // asks at 15 s: waits for the first to be 60 s old
				times.push(await sendAt(time, window)); // then for the second
				return times;
			})(),
		);
		expect(left).toEqual([0, 10_000, 60_000, 70_000]);
	});

	it('does not hold requests that are spread out', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 2, 1_000);
		for (let i = 0; i < 6; i++) {
			await sendAt(time, window);
			time.advance(600);
		}
		expect(time.waits).toEqual([]);
	});

	it('lets requests that ask side by side go in the order they asked', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 2, 1_000);
		const order: Array<[number, number]> = [];
		await time.run(
			Promise.all(
				[0, 1, 2, 3, 4].map(async (n) => {
					order.push([n, await sendAt(time, window)]);
				}),
			),
		);
		expect(order).toEqual([
			[0, 0],
			[1, 0],
			[2, 1_000],
			[3, 1_000],
			[4, 2_000],
		]);
	});

	it("pauses every request after a 429's Retry-After", async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 100, 60_000);
		const left = await time.run(
			(async () => {
				const times = [await sendAt(time, window)];
				window.pause(3_000);
				times.push(await sendAt(time, window));
				times.push(await sendAt(time, window));
				return times;
			})(),
		);
		expect(left).toEqual([0, 3_000, 3_000]);
	});

	it('holds a request already waiting for its turn when a pause comes in later', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 2, 1_000);
		const left = await time.run(
			(async () => {
				await sendAt(time, window);
				await sendAt(time, window);
				const third = sendAt(time, window); // waits for 1 s
				await time.wait(500);
				window.pause(2_000); // a 429 of another request, at 0.5 s: nothing before 2.5 s
				return await third;
			})(),
		);
		expect(left).toBe(2_500);
	});

	it('after a Retry-After, what was counted in the ending window holds nothing back: the pause costs only what was asked', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 3, 60_000);
		const left = await time.run(
			(async () => {
				await sendAt(time, window);
				await sendAt(time, window);
				time.advance(40_000);
				await sendAt(time, window); // refused at 40 s: Thoughtly's window ends in 5 s
				window.pause(5_000, { windowEnds: true });
				return [await sendAt(time, window), await sendAt(time, window), await sendAt(time, window)];
			})(),
		);
		expect(left).toEqual([45_000, 45_000, 45_000]);
	});

	it('without a Retry-After the pause keeps what was counted', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 2, 60_000);
		const left = await time.run(
			(async () => {
				await sendAt(time, window);
				await sendAt(time, window);
				window.pause(1_000);
				return await sendAt(time, window);
			})(),
		);
		expect(left).toBe(60_000);
	});

	it('lets nothing through, without waiting, while a pause longer than the caller waits lasts', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 2, 1_000);
		window.pause(3_600_000);
		expect(await window.acquire(120_000)).toBeUndefined();
		expect(window.pauseLeft()).toBe(3_600_000);
		expect(time.waits).toEqual([]);
	});

	it('gives up on a request waiting for its turn when a pause longer than it waits comes in', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 1, 1_000);
		const outcome = await time.run(
			(async () => {
				await sendAt(time, window);
				const second = window.acquire(120_000); // waits for 1 s
				await time.wait(200);
				window.pause(3_600_000);
				return await second;
			})(),
		);
		expect(outcome).toBeUndefined();
		expect(time.now()).toBe(1_000);
	});

	it('lets a request through at once only if it need not wait', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 2, 1_000);
		const first = window.tryAcquire();
		expect(first).toBeDefined();
		await sendAt(time, window);
		expect(window.tryAcquire()).toBeUndefined(); // the window is full: nothing counted
		first?.answered();
		time.advance(1_000);
		const queued = window.acquire(); // asks first, so it goes first
		expect(window.tryAcquire()).toBeUndefined();
		(await queued)?.answered();
		window.pause(500);
		expect(window.tryAcquire()).toBeUndefined();
		time.advance(500);
		expect(window.tryAcquire()).toBeDefined();
		expect(time.waits).toEqual([]);
	});

	it('follows a lowered limit', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 10, 60_000);
		const left = await time.run(
			(async () => {
				await sendAt(time, window);
				await sendAt(time, window);
				window.setLimit(2);
				return await sendAt(time, window);
			})(),
		);
		expect(left).toBe(60_000);
	});

	it('is idle once nothing in it matters any more', async () => {
		const time = new VirtualTime();
		const window = windowOn(time, 2, 1_000);
		expect(window.isIdle()).toBe(true);
		const slot = await admitted(window);
		expect(window.isIdle()).toBe(false); // in flight
		time.advance(5_000);
		expect(window.isIdle()).toBe(false);
		slot.answered();
		expect(window.isIdle()).toBe(false); // answered just now
		time.advance(1_000);
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
