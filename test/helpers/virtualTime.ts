/**
 * Virtual time for unit tests of code that waits: `wait(ms)` resolves when the test's time
 * reaches it, and time moves only when nothing else can happen (every pending promise has
 * settled). Many waits can run side by side, as with real timers, and no test depends on how
 * fast the machine is.
 */
export class VirtualTime {
	private time: number;

	private seq = 0;

	private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];

	/** Every wait asked for, in ms, in the order asked. */
	readonly waits: number[] = [];

	constructor(start = 0) {
		this.time = start;
	}

	readonly now = (): number => this.time;

	readonly wait = async (ms: number): Promise<void> => {
		this.waits.push(ms);
		await new Promise<void>((resolve) => {
			this.timers.push({ at: this.time + Math.max(0, ms), seq: this.seq++, resolve });
		});
	};

	/** Moves the clock by hand (time that passes outside the code under test). */
	advance(ms: number): void {
		this.time += ms;
	}

	/** Runs `work` to its end, moving time to the next wait's end whenever nothing else can run. */
	async run<T>(work: Promise<T>): Promise<T> {
		let settled = false;
		work.then(
			() => (settled = true),
			() => (settled = true),
		);
		for (;;) {
			// A macrotask: every microtask (every promise that can settle now) runs first.
			await new Promise((resolve) => setImmediate(resolve));
			if (settled) return await work;
			this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const next = this.timers.shift();
			if (!next) throw new Error('Nothing left to wait for, but the work has not finished: it is stuck');
			this.time = Math.max(this.time, next.at);
			next.resolve();
		}
	}
}
