/**
 * The Thoughtly Trigger's webhook lifecycle (checkExists / create / delete) run through
 * n8n-core's HookContext as n8n activates and deactivates a workflow, against the simulator.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject } from 'n8n-workflow';

import { agentFromList, plain, SEED, thoughtlyApi, useTriggerEnv, WEBHOOK_ID } from './fixtures';

const AGENT = SEED.agents.salesQualifier;
const FOLDER = SEED.folders.sales;

const env = useTriggerEnv();

/** What reached the simulator: method, path and body of every request. */
function requests() {
	return env.sim.requests().map((r) => ({ method: r.method, path: r.path, body: plain(r.body) }));
}

/** Team one's subscriptions in the simulator, as (type, url, data). */
function subscriptions() {
	return env.sim.state().teams[SEED.teamId].webhooks.map((w) => {
		const s: IDataObject = { type: w.type, url: w.url };
		if (w.data !== undefined) s.data = w.data;
		return plain(s);
	});
}

function urlFor(base: string, event: string, secret: string): string {
	return `${base}?event=${event}&secret=${secret}`;
}

describe('activation', () => {
	it('subscribes one subscription per event, to this node’s webhook URL with its secret, scoped to the agent or folder', async () => {
		const events = ['NEW_RESPONSE', 'PHONE_TRANSFER', 'ACTION_FAILED', 'FOLDER_NEW_RESPONSE', 'FOLDER_PHONE_TRANSFER'];
		const trigger = env.deploy({ events, agentId: agentFromList(AGENT), folderId: FOLDER });

		await expect(trigger.activate()).resolves.toEqual({ existed: false });

		const base = `${env.server.url}webhook/${WEBHOOK_ID}/webhook`;
		expect(trigger.webhookUrl()).toBe(base);
		const stored = trigger.storedNodeData();
		const secret = stored.secret as string;
		expect(secret).toMatch(/^[0-9a-f]{64}$/);
		// The events Thoughtly's API does not document for subscribe go first: if Thoughtly refuses
		// one, nothing that works has been subscribed yet.
		const expected = [
			{ type: 'ACTION_FAILED', url: urlFor(base, 'ACTION_FAILED', secret), data: AGENT },
			{ type: 'FOLDER_NEW_RESPONSE', url: urlFor(base, 'FOLDER_NEW_RESPONSE', secret), data: FOLDER },
			{ type: 'FOLDER_PHONE_TRANSFER', url: urlFor(base, 'FOLDER_PHONE_TRANSFER', secret), data: FOLDER },
			{ type: 'NEW_RESPONSE', url: urlFor(base, 'NEW_RESPONSE', secret), data: AGENT },
			{ type: 'PHONE_TRANSFER', url: urlFor(base, 'PHONE_TRANSFER', secret), data: AGENT },
		];
		expect(requests()).toStrictEqual([
			{ method: 'GET', path: '/webhooks', body: undefined },
			...expected.map((body) => ({ method: 'POST', path: '/webhooks/subscribe', body })),
		]);
		expect(subscriptions()).toStrictEqual(expected);
		expect(stored).toStrictEqual({ webhookUrl: base, secret, subscriptions: expected });
	});

	it('sends no data for call events when no agent is chosen', async () => {
		const trigger = env.deploy({ events: ['NEW_RESPONSE'], agentId: { __rl: true, mode: 'list', value: '' } });

		await trigger.activate();

		const secret = trigger.storedNodeData().secret as string;
		const url = urlFor(trigger.webhookUrl(), 'NEW_RESPONSE', secret);
		expect(requests()).toStrictEqual([
			{ method: 'GET', path: '/webhooks', body: undefined },
			{ method: 'POST', path: '/webhooks/subscribe', body: { type: 'NEW_RESPONSE', url } },
		]);
		expect(subscriptions()).toStrictEqual([{ type: 'NEW_RESPONSE', url }]);
	});

	it('takes the agent ID typed in "By ID" mode as well', async () => {
		const trigger = env.deploy({
			events: ['PHONE_TRANSFER'],
			agentId: { __rl: true, mode: 'id', value: SEED.agents.appointmentReminder },
		});

		await trigger.activate();

		expect(subscriptions()).toStrictEqual([
			{
				type: 'PHONE_TRANSFER',
				url: urlFor(trigger.webhookUrl(), 'PHONE_TRANSFER', trigger.storedNodeData().secret as string),
				data: SEED.agents.appointmentReminder,
			},
		]);
	});

	it('creates nothing the second time: the subscriptions are found by GET /webhooks', async () => {
		const trigger = env.deploy({ events: ['NEW_RESPONSE', 'FOLDER_PHONE_TRANSFER'], agentId: agentFromList(AGENT), folderId: FOLDER });
		await trigger.activate();
		const before = subscriptions();
		const stored = trigger.storedNodeData();
		env.sim.clearRequests();

		await expect(trigger.activate()).resolves.toEqual({ existed: true });

		expect(requests()).toStrictEqual([{ method: 'GET', path: '/webhooks', body: undefined }]);
		expect(subscriptions()).toStrictEqual(before);
		expect(trigger.storedNodeData()).toStrictEqual(stored);
	});

	it('removes this node’s leftovers whatever their secret, and leaves other subscribers alone', async () => {
		const trigger = env.deploy({ events: ['NEW_RESPONSE'] });
		const base = trigger.webhookUrl();
		const stale = { type: 'NEW_RESPONSE', url: urlFor(base, 'NEW_RESPONSE', 'an-old-secret') };
		const otherService = { type: 'NEW_RESPONSE', url: 'https://hooks.example.com/thoughtly/calls' };
		const otherNode = {
			type: 'PHONE_TRANSFER',
			url: `${env.server.url}webhook/another-node-webhook-id/webhook?event=PHONE_TRANSFER&secret=theirs`,
			data: AGENT,
		};
		for (const body of [stale, otherService, otherNode]) {
			expect((await thoughtlyApi(env.sim, 'POST', '/webhooks/subscribe', body)).status).toBe(200);
		}
		env.sim.clearRequests();

		await expect(trigger.activate()).resolves.toEqual({ existed: false });

		const fresh = { type: 'NEW_RESPONSE', url: urlFor(base, 'NEW_RESPONSE', trigger.storedNodeData().secret as string) };
		expect(requests()).toStrictEqual([
			{ method: 'GET', path: '/webhooks', body: undefined },
			{ method: 'DELETE', path: '/webhooks/unsubscribe', body: stale },
			{ method: 'POST', path: '/webhooks/subscribe', body: fresh },
		]);
		expect(subscriptions()).toStrictEqual([otherService, otherNode, fresh]);
	});

	it('replaces the subscriptions when the chosen events changed while n8n was not told', async () => {
		const trigger = env.deploy({ events: ['NEW_RESPONSE'] });
		await trigger.activate();
		const old = subscriptions();
		trigger.node.parameters.events = ['PHONE_TRANSFER'];
		env.sim.clearRequests();

		await expect(trigger.activate()).resolves.toEqual({ existed: false });

		const secret = trigger.storedNodeData().secret as string;
		const fresh = { type: 'PHONE_TRANSFER', url: urlFor(trigger.webhookUrl(), 'PHONE_TRANSFER', secret) };
		expect(requests()).toStrictEqual([
			{ method: 'GET', path: '/webhooks', body: undefined },
			{ method: 'DELETE', path: '/webhooks/unsubscribe', body: old[0] },
			{ method: 'POST', path: '/webhooks/subscribe', body: fresh },
		]);
		expect(subscriptions()).toStrictEqual([fresh]);
	});

	it('reports a refused subscription and keeps none of it', async () => {
		const trigger = env.deploy({ events: ['NEW_RESPONSE', 'PHONE_TRANSFER'] });
		env.sim.injectFault({ kind: 'status', status: 500, method: 'POST', path: '/webhooks/subscribe' });

		await expect(trigger.activate()).rejects.toThrow('Could not subscribe to "Call Completed"');

		// A POST is not sent again (it may have taken effect): one attempt, then the error.
		expect(requests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /webhooks', 'POST /webhooks/subscribe']);
		expect(subscriptions()).toStrictEqual([]);
	});

	describe('when Thoughtly accepts only the event types its spec lists for subscribe', () => {
		beforeEach(() => {
			env.sim.configure({ variants: ['subscribe-spec-types'] });
		});
		afterEach(() => {
			env.sim.configure({ variants: [] });
		});

		it('names every event Thoughtly refused, and subscribes nothing', async () => {
			const trigger = env.deploy({
				events: ['NEW_RESPONSE', 'FOLDER_NEW_RESPONSE', 'PHONE_TRANSFER', 'ACTION_FAILED'],
				agentId: agentFromList(AGENT),
				folderId: FOLDER,
			});

			const activation = trigger.activate();

			await expect(activation).rejects.toThrow(
				'Thoughtly does not accept the events "Call Completed in Folder" and "Action Failed" for this trigger',
			);
			await expect(activation).rejects.toMatchObject({
				description:
					'Thoughtly answered 400 Bad Request (FOLDER_NEW_RESPONSE: type must be one of NEW_RESPONSE, PHONE_TRANSFER; ACTION_FAILED: type must be one of NEW_RESPONSE, PHONE_TRANSFER). Thoughtly\'s API documents subscriptions for Call Completed and Call Transferred only; the folder events and Action Failed may not be available to your team. Remove them from Events and activate again. Nothing was left subscribed.',
			});
			// Every event outside the spec's subscribe list is tried; the two it lists are not
			// subscribed for an activation that fails anyway.
			expect(env.sim.requests().map((r) => [r.method, r.path, (plain(r.body) as IDataObject | undefined)?.type, r.status])).toEqual([
				['GET', '/webhooks', undefined, 200],
				['POST', '/webhooks/subscribe', 'FOLDER_NEW_RESPONSE', 400],
				['POST', '/webhooks/subscribe', 'ACTION_FAILED', 400],
			]);
			expect(subscriptions()).toStrictEqual([]);
		});

		it('removes again an event it could subscribe before another was refused', async () => {
			env.sim.configure({ variants: [] });
			// Thoughtly refuses the first subscribe only: Action Failed is accepted after it.
			env.sim.injectFault({ kind: 'status', status: 400, method: 'POST', path: '/webhooks/subscribe' });
			const trigger = env.deploy({ events: ['FOLDER_NEW_RESPONSE', 'ACTION_FAILED', 'NEW_RESPONSE'], folderId: FOLDER });

			await expect(trigger.activate()).rejects.toThrow('Thoughtly does not accept the event "Call Completed in Folder" for this trigger');

			const sent = env.sim.requests().map((r) => [r.method, r.path, (plain(r.body) as IDataObject | undefined)?.type, r.status]);
			expect(sent).toEqual([
				['GET', '/webhooks', undefined, 200],
				['POST', '/webhooks/subscribe', 'FOLDER_NEW_RESPONSE', 400],
				['POST', '/webhooks/subscribe', 'ACTION_FAILED', 200],
				['DELETE', '/webhooks/unsubscribe', 'ACTION_FAILED', 200],
			]);
			// Removed exactly as it was subscribed.
			expect(plain(env.sim.requests()[3].body)).toStrictEqual(plain(env.sim.requests()[2].body));
			expect(subscriptions()).toStrictEqual([]);
		});

		it('activates once the refused events are no longer chosen', async () => {
			const trigger = env.deploy({ events: ['ACTION_FAILED'] });
			await expect(trigger.activate()).rejects.toThrow('Thoughtly does not accept the event "Action Failed" for this trigger');
			trigger.node.parameters.events = ['NEW_RESPONSE'];

			await expect(trigger.activate()).resolves.toEqual({ existed: false });

			expect(subscriptions()).toStrictEqual([
				{ type: 'NEW_RESPONSE', url: urlFor(trigger.webhookUrl(), 'NEW_RESPONSE', trigger.storedNodeData().secret as string) },
			]);
		});
	});

	it('asks for the folder ID when a folder event is chosen without one, before any request', async () => {
		const trigger = env.deploy({ events: ['FOLDER_NEW_RESPONSE'], folderId: '' });

		await expect(trigger.activate()).rejects.toThrow('Enter the folder ID for the folder events');
		expect(requests()).toStrictEqual([]);
	});
});

describe('deactivation', () => {
	it('unsubscribes every subscription with the type, URL and data it was subscribed with', async () => {
		const trigger = env.deploy({
			events: ['NEW_RESPONSE', 'ACTION_FAILED', 'FOLDER_NEW_RESPONSE'],
			agentId: agentFromList(AGENT),
			folderId: FOLDER,
		});
		await trigger.activate();
		const subscribed = subscriptions();
		expect(subscribed).toHaveLength(3);
		env.sim.clearRequests();

		await trigger.deactivate();

		expect(requests()).toStrictEqual(
			subscribed.map((body) => ({ method: 'DELETE', path: '/webhooks/unsubscribe', body })),
		);
		expect(env.sim.requests().map((r) => r.status)).toEqual([200, 200, 200]);
		expect(subscriptions()).toStrictEqual([]);
		expect(trigger.storedNodeData()).toStrictEqual({});
	});

	it('sends no data when the subscription had none (Thoughtly refuses a null)', async () => {
		const trigger = env.deploy({ events: ['PHONE_TRANSFER'] });
		await trigger.activate();
		const [subscribed] = subscriptions();
		env.sim.clearRequests();

		await trigger.deactivate();

		expect(requests()).toStrictEqual([{ method: 'DELETE', path: '/webhooks/unsubscribe', body: subscribed }]);
		expect(Object.keys(requests()[0].body as object)).toEqual(['type', 'url']);
	});

	it('counts a subscription already removed in Thoughtly (404) as removed', async () => {
		const trigger = env.deploy({ events: ['NEW_RESPONSE', 'PHONE_TRANSFER'] });
		await trigger.activate();
		const [first, second] = subscriptions();
		expect((await thoughtlyApi(env.sim, 'DELETE', '/webhooks/unsubscribe', second)).status).toBe(200);
		env.sim.clearRequests();

		await expect(trigger.deactivate()).resolves.toBeUndefined();

		expect(env.sim.requests().map((r) => ({ body: plain(r.body), status: r.status }))).toStrictEqual([
			{ body: first, status: 200 },
			{ body: second, status: 404 },
		]);
		expect(subscriptions()).toStrictEqual([]);
		expect(trigger.storedNodeData()).toStrictEqual({});
	});

	it('completes even when Thoughtly refuses an unsubscribe: the leftover stays recorded, n8n’s log says so, and the next activation removes it', async () => {
		const trigger = env.deploy({ events: ['NEW_RESPONSE', 'PHONE_TRANSFER'], agentId: agentFromList(AGENT) });
		await trigger.activate();
		const [kept, removed] = subscriptions();
		const oldSecret = trigger.storedNodeData().secret as string;
		// Every attempt at the first unsubscribe fails (the transport tries a DELETE three times).
		env.sim.injectFault({ kind: 'status', status: 503, count: 3, method: 'DELETE', path: '/webhooks/unsubscribe' });
		env.sim.clearRequests();
		const warn = jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => {});

		// n8n saves the static data and removes its webhook registrations only when delete() returns.
		await expect(trigger.deactivate()).resolves.toBeUndefined();

		expect(env.sim.requests().map((r) => [r.method, r.path, r.status, plain(r.body)])).toStrictEqual([
			['DELETE', '/webhooks/unsubscribe', 503, kept],
			['DELETE', '/webhooks/unsubscribe', 503, kept],
			['DELETE', '/webhooks/unsubscribe', 503, kept],
			['DELETE', '/webhooks/unsubscribe', 200, removed],
		]);
		expect(subscriptions()).toStrictEqual([kept]);
		expect(trigger.storedNodeData()).toStrictEqual({ subscriptions: [kept] });
		expect(warn.mock.calls.map(([message]) => message)).toEqual([
			expect.stringMatching(
				/^Thoughtly Trigger "Thoughtly Trigger" \(workflow wf-thoughtly-trigger\) could not remove 1 Thoughtly webhook subscription\(s\): Call Completed at http:\/\/127\.0\.0\.1:\d+\/webhook\/[^?]+\/webhook: .+\. They stay recorded and are removed the next time this workflow is activated\.$/,
			),
		]);
		// The secret is not written to the log.
		expect(String(warn.mock.calls[0][0])).not.toContain(oldSecret);
		warn.mockRestore();
		env.sim.clearRequests();

		await expect(trigger.activate()).resolves.toEqual({ existed: false });

		const secret = trigger.storedNodeData().secret as string;
		expect(secret).not.toBe(oldSecret);
		const base = trigger.webhookUrl();
		const fresh = [
			{ type: 'NEW_RESPONSE', url: urlFor(base, 'NEW_RESPONSE', secret), data: AGENT },
			{ type: 'PHONE_TRANSFER', url: urlFor(base, 'PHONE_TRANSFER', secret), data: AGENT },
		];
		expect(requests()).toStrictEqual([
			{ method: 'GET', path: '/webhooks', body: undefined },
			{ method: 'DELETE', path: '/webhooks/unsubscribe', body: kept },
			...fresh.map((body) => ({ method: 'POST', path: '/webhooks/subscribe', body })),
		]);
		expect(subscriptions()).toStrictEqual(fresh);
		expect(trigger.storedNodeData()).toStrictEqual({ webhookUrl: base, secret, subscriptions: fresh });

		// And nothing is left after a deactivation that works.
		await trigger.deactivate();
		expect(subscriptions()).toStrictEqual([]);
		expect(trigger.storedNodeData()).toStrictEqual({});
	});

	it('completes when the credential can no longer be read, and keeps every subscription recorded', async () => {
		const trigger = env.deploy({ events: ['NEW_RESPONSE'] });
		await trigger.activate();
		const subscribed = subscriptions();
		trigger.node.credentials = { thoughtlyApi: { id: 'deleted-credential', name: 'Deleted' } };
		env.sim.clearRequests();
		const warn = jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => {});

		await expect(trigger.deactivate()).resolves.toBeUndefined();

		expect(requests()).toStrictEqual([]);
		expect(trigger.storedNodeData()).toStrictEqual({ subscriptions: subscribed });
		expect(warn).toHaveBeenCalledTimes(1);
		warn.mockRestore();
	});
});

describe('subscriptions left behind under another webhook URL', () => {
	it('are removed by the next activation after N8N_WEBHOOK_URL changed', async () => {
		const before = env.deploy({ events: ['NEW_RESPONSE', 'PHONE_TRANSFER'] });
		await before.activate();
		const [kept, removed] = subscriptions();
		env.sim.injectFault({ kind: 'status', status: 503, count: 3, method: 'DELETE', path: '/webhooks/unsubscribe' });
		const warn = jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => {});
		await before.deactivate();
		warn.mockRestore();
		expect(subscriptions()).toStrictEqual([kept]);
		expect(removed.type).toBe('PHONE_TRANSFER');

		// The same workflow, its static data as n8n saved it, after n8n got a new webhook URL.
		const after = env.deploy(before.node.parameters, { webhookBaseUrl: 'http://127.0.0.1:5679/tunnel/' });
		after.storedStaticData = before.storedStaticData;
		env.sim.clearRequests();

		await expect(after.activate()).resolves.toEqual({ existed: false });

		const base = after.webhookUrl();
		expect(base).toBe(`http://127.0.0.1:5679/tunnel/webhook/${WEBHOOK_ID}/webhook`);
		const secret = after.storedNodeData().secret as string;
		const fresh = ['NEW_RESPONSE', 'PHONE_TRANSFER'].map((type) => ({ type, url: urlFor(base, type, secret) }));
		expect(requests()).toStrictEqual([
			{ method: 'GET', path: '/webhooks', body: undefined },
			{ method: 'DELETE', path: '/webhooks/unsubscribe', body: kept },
			...fresh.map((body) => ({ method: 'POST', path: '/webhooks/subscribe', body })),
		]);
		expect(subscriptions()).toStrictEqual(fresh);
		expect(after.storedNodeData()).toStrictEqual({ webhookUrl: base, secret, subscriptions: fresh });
	});

	it('fail the activation, named, while Thoughtly refuses to remove them, and are kept recorded until it does', async () => {
		const before = env.deploy({ events: ['NEW_RESPONSE'] });
		await before.activate();
		const [kept] = subscriptions();
		env.sim.injectFault({ kind: 'status', status: 503, count: 3, method: 'DELETE', path: '/webhooks/unsubscribe' });
		const warn = jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => {});
		await before.deactivate();
		warn.mockRestore();
		const after = env.deploy(before.node.parameters, { webhookBaseUrl: 'http://127.0.0.1:5679/tunnel/' });
		after.storedStaticData = before.storedStaticData;
		env.sim.injectFault({ kind: 'status', status: 503, count: 3, method: 'DELETE', path: '/webhooks/unsubscribe' });
		env.sim.clearRequests();

		const activation = after.activate();

		await expect(activation).rejects.toThrow('Could not remove 1 earlier Thoughtly webhook subscription of this trigger');
		await expect(activation).rejects.toMatchObject({
			description: expect.stringContaining(`Call Completed at ${before.webhookUrl()}: `),
		});
		expect(requests().map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /webhooks',
			'DELETE /webhooks/unsubscribe',
			'DELETE /webhooks/unsubscribe',
			'DELETE /webhooks/unsubscribe',
		]);
		expect(subscriptions()).toStrictEqual([kept]);
		env.sim.clearRequests();

		// Once Thoughtly lets go of it, activation goes ahead.
		await expect(after.activate()).resolves.toEqual({ existed: false });
		expect(requests().map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /webhooks',
			'DELETE /webhooks/unsubscribe',
			'POST /webhooks/subscribe',
		]);
		expect(subscriptions()).toStrictEqual([{ type: 'NEW_RESPONSE', url: urlFor(after.webhookUrl(), 'NEW_RESPONSE', after.storedNodeData().secret as string) }]);
	});
});

describe('webhook URL Thoughtly cannot reach', () => {
	it.each([
		['127.0.0.1 (n8n without WEBHOOK_URL)', undefined],
		['localhost', 'http://localhost:5678/'],
		['a private network address', 'http://192.168.1.20:5678/'],
	])('is refused with an explanation of WEBHOOK_URL when the credential uses the real Thoughtly: %s', async (_, webhookBaseUrl) => {
		const realThoughtly = await env.harness.addCredentials('thoughtlyApi', {
			apiToken: 'tk_live_example',
			teamId: 'team_example',
			baseUrl: 'https://api.thoughtly.com',
		});
		const trigger = env.deploy({ events: ['NEW_RESPONSE'] }, { credentials: realThoughtly, webhookBaseUrl });

		const activation = trigger.activate();
		await expect(activation).rejects.toThrow(/^Thoughtly cannot reach this n8n: its webhook URL \(.+\) is a local address$/);
		await expect(activation).rejects.toMatchObject({
			description: expect.stringContaining(
				'Set the environment variable N8N_WEBHOOK_URL (n8n 2.x) or WEBHOOK_URL (n8n 1.x) to the public HTTPS address',
			),
		});
		// The alternative that needs no public address.
		await expect(activation).rejects.toMatchObject({
			description: expect.stringContaining('use the Thoughtly Polling Trigger instead'),
		});
		expect(env.sim.requests()).toStrictEqual([]);
	});
});
