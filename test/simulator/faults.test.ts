/** Injected faults: each kind, counting, matching, and that faulted requests are logged. */
import { type SimulatorHandle, SEED, startSimulator } from './index';
import { api } from './testkit';

describe('injected faults', () => {
	let sim: SimulatorHandle;

	beforeAll(async () => {
		sim = await startSimulator({ port: 0 });
	});
	afterAll(() => sim.stop());
	beforeEach(() => sim.reset());

	test.each([500, 502, 503])('status %i answers with an error envelope, then the API recovers', async (status) => {
		sim.injectFault({ kind: 'status', status });
		const failed = await api(sim.url, '/user');
		expect(failed.status).toBe(status);
		expect(failed.body).toEqual({ data: null, error: { message: expect.any(String), code: 'INTERNAL_ERROR' } });
		expect((await api(sim.url, '/user')).status).toBe(200);
		expect(sim.requests().map((r) => [r.status, r.fault])).toEqual([
			[status, 'status'],
			[200, undefined],
		]);
	});

	test('status 429 carries Retry-After', async () => {
		sim.injectFault({ kind: 'status', status: 429, retryAfter: 2 });
		const limited = await api(sim.url, '/contact');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('2');
		expect(limited.body.error.code).toBe('RATE_LIMITED');
	});

	test('count, method and path select which requests fail; faulted requests are logged', async () => {
		sim.injectFault({ kind: 'status', status: 503, count: 2, method: 'GET', path: '/contact/{id}' });
		expect((await api(sim.url, '/contact')).status).toBe(200);
		expect((await api(sim.url, `/contact/${SEED.contacts.averyLee}`, { method: 'DELETE' })).status).toBe(200);
		expect((await api(sim.url, `/contact/${SEED.contacts.chenWei}`)).status).toBe(503);
		expect((await api(sim.url, `/contact/${SEED.contacts.chenWei}`)).status).toBe(503);
		expect((await api(sim.url, `/contact/${SEED.contacts.chenWei}`)).status).toBe(200);
		const attempts = sim.requests().filter((r) => r.path === `/contact/${SEED.contacts.chenWei}`);
		expect(attempts.map((r) => r.fault ?? null)).toEqual(['status', 'status', null]);
		expect(sim.state().faults).toEqual([]);

		sim.injectFault({ kind: 'status', path: '/interview*' });
		expect((await api(sim.url, '/user')).status).toBe(200);
		expect((await api(sim.url, `/interview/${SEED.agents.salesQualifier}/responses`)).status).toBe(500);

		sim.injectFault({ kind: 'status', count: 5 });
		sim.clearFaults();
		expect((await api(sim.url, '/user')).status).toBe(200);
	});

	test('faults apply before authentication (the network fails first)', async () => {
		sim.injectFault({ kind: 'status', status: 502 });
		expect((await api(sim.url, '/user', { auth: null })).status).toBe(502);
	});

	test('hang: no answer until the client gives up', async () => {
		sim.injectFault({ kind: 'hang' });
		await expect(fetch(`${sim.url}/user`, { headers: { 'x-api-token': SEED.apiToken, team_id: SEED.teamId }, signal: AbortSignal.timeout(150) })).rejects.toThrow();
		expect((await api(sim.url, '/user')).status).toBe(200);
		expect(sim.requests().map((r) => [r.fault ?? null, r.status ?? null])).toEqual([
			['hang', null],
			[null, 200],
		]);
	});

	test('drop: the connection is destroyed', async () => {
		sim.injectFault({ kind: 'drop' });
		await expect(api(sim.url, '/contact')).rejects.toThrow(/fetch failed/);
		expect(sim.requests()[0].fault).toBe('drop');
		expect((await api(sim.url, '/contact')).status).toBe(200);
	});

	test('malformed: a 200 whose JSON body is cut short', async () => {
		sim.injectFault({ kind: 'malformed' });
		const response = await api(sim.url, '/contact');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/application\/json/);
		expect(response.body).toBeUndefined();
		expect(() => JSON.parse(response.text)).toThrow();
	});

	test('html: an HTML error page instead of JSON', async () => {
		sim.injectFault({ kind: 'html' });
		const response = await api(sim.url, '/contact');
		expect(response.status).toBe(502);
		expect(response.headers.get('content-type')).toMatch(/text\/html/);
		expect(response.text).toMatch(/^<!DOCTYPE html>/);
		sim.injectFault({ kind: 'html', status: 503 });
		expect((await api(sim.url, '/contact')).status).toBe(503);
	});

	test('envelope-error: a 200 whose envelope carries an error', async () => {
		sim.injectFault({ kind: 'envelope-error', method: 'POST' });
		const response = await api(sim.url, '/contact/create', { method: 'POST', body: { phone_number: '+14155550100' } });
		expect(response.status).toBe(200);
		expect(response.body).toEqual({ data: null, error: { message: expect.any(String), code: 'INTERNAL_ERROR' } });
		// The faulted request had no effect.
		expect(sim.state().teams[SEED.teamId].contacts).toHaveLength(SEED.counts.contacts);
	});

	test('delay: the request reaches the API later, and is then counted and handled as usual', async () => {
		sim.injectFault({ kind: 'delay', delayMs: 300, method: 'POST' });
		const sentAt = Date.now();
		const response = await api(sim.url, '/contact/create', { method: 'POST', body: { phone_number: '+14155550100' } });
		expect(response.status).toBe(200);
		expect(sim.state().teams[SEED.teamId].contacts).toHaveLength(SEED.counts.contacts + 1);
		const [logged] = sim.requests();
		expect([logged.status, logged.fault]).toEqual([200, 'delay']);
		// Logged (and counted by the rate limit) when it arrived, not when the socket opened.
		expect(Date.parse(logged.at) - sentAt).toBeGreaterThanOrEqual(300);
	});

	test('after lets that many matching requests through before failing', async () => {
		sim.injectFault({ kind: 'status', status: 502, path: '/user', after: 2 });
		for (let i = 0; i < 4; i++) await api(sim.url, '/user');
		expect(sim.requests().map((r) => r.status)).toEqual([200, 200, 502, 200]);
	});

	test('takeEffect carries the request out, then fails its answer', async () => {
		sim.injectFault({ kind: 'drop', method: 'DELETE', takeEffect: true });
		await expect(api(sim.url, `/contact/${SEED.contacts.chenWei}`, { method: 'DELETE' })).rejects.toThrow();
		expect(sim.state().teams[SEED.teamId].contacts.map((c) => c.id)).not.toContain(SEED.contacts.chenWei);
		expect((await api(sim.url, `/contact/${SEED.contacts.chenWei}`, { method: 'DELETE' })).status).toBe(404);
	});

	test('invalid faults are refused', () => {
		expect(() => sim.injectFault({ kind: 'delay', delayMs: -1 })).toThrow(/delayMs/);
		expect(() => sim.injectFault({ kind: 'status', after: -1 })).toThrow(/after/);
		expect(() => sim.injectFault({ kind: 'explode' as never })).toThrow(/kind/);
		expect(() => sim.injectFault({ kind: 'status', status: 200 })).toThrow(/status/);
		expect(() => sim.injectFault({ kind: 'status', count: 0 })).toThrow(/count/);
	});
});

describe('stop()', () => {
	test('does not wait for hanging requests or idle keep-alive connections', async () => {
		const sim = await startSimulator({ port: 0 });
		expect((await api(sim.url, '/user')).status).toBe(200); // leaves a keep-alive socket
		sim.injectFault({ kind: 'hang' });
		const hanging = fetch(`${sim.url}/user`);
		// Give the hanging request time to reach the server before stopping it.
		while (!sim.requests().some((r) => r.fault === 'hang')) await new Promise((r) => setTimeout(r, 5));
		await sim.stop();
		await expect(hanging).rejects.toThrow();
	});

	test('cancels pending call completions', async () => {
		// A completion that cannot come due during the test: what is checked is that none is left.
		const sim = await startSimulator({ port: 0, callCompletionDelayMs: 600_000 });
		const result = await api(sim.url, '/contact/call', {
			method: 'POST',
			body: { contact_id: SEED.contacts.averyLee, interview_id: SEED.agents.salesQualifier },
		});
		expect(result.status).toBe(200);
		expect(sim.state().pendingCompletions).toEqual([result.body.data.call_id]);
		await sim.stop();
		expect(sim.state().pendingCompletions).toEqual([]);
		expect(sim.state().teams[SEED.teamId].calls.find((c) => c.id === result.body.data.call_id)?.status).toBe('queued');
	});
});
