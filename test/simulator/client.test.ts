/** The control surface over HTTP (SimulatorClient), and `npm run simulator`. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

import { type SimulatorHandle, SEED, SimulatorClient, startSimulator } from './index';
import { api, startReceiver } from './testkit';

describe('SimulatorClient', () => {
	let sim: SimulatorHandle;
	let client: SimulatorClient;

	beforeAll(async () => {
		sim = await startSimulator({ port: 0, callCompletionDelayMs: 60_000 });
		client = new SimulatorClient(`${sim.url}/`);
	});
	afterAll(() => sim.stop());
	beforeEach(() => client.reset());

	test('info, requests and state', async () => {
		expect(await client.info()).toEqual(
			expect.objectContaining({ url: sim.url, apiToken: SEED.apiToken, teamId: SEED.teamId, otherTeam: sim.otherTeam }),
		);
		await api(sim.url, '/contact?tags=a&tags=b');
		const requests = await client.requests();
		expect(requests).toEqual([expect.objectContaining({ method: 'GET', path: '/contact', query: { tags: ['a', 'b'] }, status: 200 })]);
		await client.clearRequests();
		expect(await client.requests()).toEqual([]);
		const state = await client.state();
		expect(Object.keys(state.teams).sort()).toEqual([SEED.teamId, SEED.otherTeam.teamId].sort());
		expect(state.teams[SEED.teamId].agents.map((a) => a.id).sort()).toEqual(Object.values(SEED.agents).sort());
	});

	test('seed, configure, faults', async () => {
		const added = await client.seedContacts(3);
		expect(added.map((c) => c.id)).toEqual(['cnt_sim_bulk_00001', 'cnt_sim_bulk_00002', 'cnt_sim_bulk_00003']);
		expect((await api(sim.url, '/contact')).body.data.total).toBe(SEED.counts.contacts + 3);
		await client.reset();
		expect((await api(sim.url, '/contact')).body.data.total).toBe(SEED.counts.contacts);

		expect(await client.configure({ payloadShape: 'legacy' })).toEqual(expect.objectContaining({ payloadShape: 'legacy' }));
		await expect(client.configure({ payloadShape: 'xml' as never })).rejects.toThrow(/400.*payloadShape/);
		await client.configure({ payloadShape: 'catalog' });

		expect(await client.injectFault({ kind: 'status', status: 503, count: 2 })).toEqual([{ kind: 'status', status: 503, count: 2 }]);
		expect((await api(sim.url, '/user')).status).toBe(503);
		await client.clearFaults();
		expect((await api(sim.url, '/user')).status).toBe(200);
		await expect(client.injectFault({ kind: 'bogus' as never })).rejects.toThrow(/400/);
	});

	test('deliver, complete a call, deliveries', async () => {
		const receiver = await startReceiver();
		try {
			await api(sim.url, '/webhooks/subscribe', { method: 'POST', body: { type: 'NEW_RESPONSE', url: receiver.url } });
			const delivered = await client.deliver({ type: 'NEW_RESPONSE', interviewId: SEED.agents.salesQualifier });
			expect(delivered).toEqual([expect.objectContaining({ type: 'NEW_RESPONSE', url: receiver.url, status: 200 })]);
			const call = await api(sim.url, '/contact/call', {
				method: 'POST',
				body: { contact_id: SEED.contacts.averyLee, interview_id: SEED.agents.salesQualifier },
			});
			const completed = await client.completeCall(call.body.data.call_id);
			expect(completed.call).toEqual(expect.objectContaining({ id: call.body.data.call_id, status: 'success' }));
			expect(completed.deliveries).toHaveLength(1);
			expect(await client.waitForDeliveries(2)).toHaveLength(2);
			expect(receiver.received).toHaveLength(2);
			await expect(client.completeCall(call.body.data.call_id)).rejects.toThrow(/409/);
			await client.clearDeliveries();
			expect(await client.deliveries()).toEqual([]);
		} finally {
			await receiver.close();
		}
	});

	test('control routes are unauthenticated and outside the Thoughtly paths', async () => {
		const response = await fetch(`${sim.url}/__simulator/nothing`);
		expect(response.status).toBe(404);
		expect(await client.requests()).toEqual([]);
	});
});

describe('npm run simulator (cli.ts)', () => {
	test('prints its base URL, API token and team ID, serves, and exits cleanly on SIGTERM', async () => {
		const root = resolve(__dirname, '../..');
		const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'test/simulator/cli.ts'], {
			cwd: root,
			env: { ...process.env, THOUGHTLY_SIMULATOR_PORT: '0', THOUGHTLY_SIMULATOR_RATE_LIMIT: '7', THOUGHTLY_SIMULATOR_QUIET: '1' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stderr.on('data', (chunk) => (output += chunk));
		const url = await new Promise<string>((resolveUrl, reject) => {
			child.stdout.on('data', (chunk) => {
				output += chunk;
				const found = /Base URL:\s+(\S+)/.exec(output);
				if (found && output.includes('Team ID')) resolveUrl(found[1]);
			});
			child.on('exit', (code) => reject(new Error(`simulator exited with ${code}: ${output}`)));
		});
		expect(output).toContain(`API token:  ${SEED.apiToken}`);
		expect(output).toContain(`Team ID:    ${SEED.teamId}`);
		expect((await api(url, '/user')).status).toBe(200);
		expect((await new SimulatorClient(url).info()).config.rateLimit).toBe(7);
		const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
	});
});
