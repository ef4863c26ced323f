/**
 * A clock for engine tests in which the node waits for minutes: `Date.now()` runs ahead of real
 * time by everything skipped so far, and `sleep` (n8n-workflow's, which the node waits with)
 * moves it on at once instead of waiting. Both the node's request window and the simulator's
 * rate limit read `Date.now()`, so they share this clock. Real time (the requests themselves)
 * still passes in between, so the order of events is real, and a minute-long window makes what
 * happens independent of the machine's speed.
 *
 * A test file installs it with:
 *
 *     jest.mock('n8n-workflow', () => ({
 *       ...jest.requireActual('n8n-workflow'),
 *       sleep: async (ms: number) => require('../../helpers/skippingClock').skippingClock.sleep(ms),
 *     }));
 *     skippingClock.install();
 */
const realNow = Date.now.bind(Date);

export const skippingClock = {
	skipped: 0,
	/** Every wait the node asked for, in ms, since the last `clearWaits()`. */
	waits: [] as number[],

	/** With `frozen`, real time does not move the clock at all: only `skip` and `sleep` do. */
	install({ frozen = false } = {}): void {
		const start = realNow();
		jest.spyOn(Date, 'now').mockImplementation(() => (frozen ? start : realNow()) + skippingClock.skipped);
	},

	async sleep(ms: number): Promise<void> {
		skippingClock.waits.push(ms);
		skippingClock.skip(ms);
		await Promise.resolve();
	},

	/** Time that passes outside the node (another tool, a pause between runs). */
	skip(ms: number): void {
		skippingClock.skipped += Math.max(0, ms);
	},

	clearWaits(): void {
		skippingClock.waits.length = 0;
	},

	waited(): number {
		return skippingClock.waits.reduce((sum, ms) => sum + ms, 0);
	},
};
