/** Fixed-window rate limit per API token. */
import { skippingClock } from '../helpers/skippingClock';
import { type SimulatorHandle, SEED, startSimulator } from './index';
import { api, teamTwo } from './testkit';

// The simulator reads Date.now(), here a clock that only the test moves: a minute-long window
// passes at once, and however slow the machine, the requests of one test land where it says.
skippingClock.install({ frozen: true });

describe('rate limit', () => {
	let sim: SimulatorHandle;

	afterEach(() => sim?.stop());

	test('over the limit → 429 with Retry-After and an error envelope, then recovery after the window', async () => {
		const windowMs = 60_000;
		sim = await startSimulator({ port: 0, rateLimit: 3, windowMs });
		for (let i = 0; i < 3; i++) expect((await api(sim.url, '/user')).status).toBe(200);
		skippingClock.skip(59_500);
		const limited = await api(sim.url, '/user');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('1'); // seconds, rounded up, at least 1
		expect(limited.body).toEqual({ data: null, error: { message: expect.stringMatching(/rate limit/i), code: 'RATE_LIMITED' } });
		// Every endpoint shares the window, also the automation trigger when it carries the token.
		expect((await api(sim.url, '/contact')).status).toBe(429);
		// Another token has its own window; the control surface is never limited.
		expect((await api(sim.url, '/user', { auth: teamTwo })).status).toBe(200);
		expect((await fetch(`${sim.url}/__simulator/state`)).status).toBe(200);
		skippingClock.skip(500);
		expect((await api(sim.url, '/user')).status).toBe(200);
		const logged = sim.requests().map((r) => r.status);
		expect(logged).toEqual([200, 200, 200, 429, 429, 200, 200]);
	});

	test('Retry-After counts whole seconds to the end of the window', async () => {
		sim = await startSimulator({ port: 0, rateLimit: 1, windowMs: 60_000 });
		await api(sim.url, '/user');
		const limited = await api(sim.url, '/user');
		expect(limited.status).toBe(429);
		const seconds = Number(limited.headers.get('retry-after'));
		expect(Number.isInteger(seconds)).toBe(true);
		expect(seconds).toBeGreaterThanOrEqual(1);
		expect(seconds).toBeLessThanOrEqual(60);
	});

	test('configure() changes the limit at run time and reset() clears the windows', async () => {
		sim = await startSimulator({ port: 0 });
		expect(sim.configure({ rateLimit: 1 })).toEqual(expect.objectContaining({ rateLimit: 1, windowMs: 60_000 }));
		expect((await api(sim.url, '/user')).status).toBe(200);
		expect((await api(sim.url, '/user')).status).toBe(429);
		sim.reset();
		expect((await api(sim.url, '/user')).status).toBe(200);
		expect(() => sim.configure({ rateLimit: 0 })).toThrow(/rateLimit/);
		expect(() => sim.configure({ nonsense: 1 } as never)).toThrow(/nonsense/);
		expect(sim.state().config.rateLimit).toBe(1);
		expect(SEED.apiToken).toBe(sim.apiToken);
	});
});
