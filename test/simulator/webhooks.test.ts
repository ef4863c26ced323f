/** Calls that complete, and webhook deliveries to a local receiver. */
import { type SimulatorHandle, SEED, USER_AGENT, startSimulator } from './index';
import { type Receiver, api, startReceiver, teamTwo } from './testkit';

const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);

async function subscribe(sim: SimulatorHandle, type: string, url: string, data?: string, auth?: { token: string; teamId: string }) {
	const result = await api(sim.url, '/webhooks/subscribe', { method: 'POST', body: data === undefined ? { type, url } : { type, url, data }, auth });
	expect(result.status).toBe(200);
	return result.body.data;
}

async function placeCall(sim: SimulatorHandle, interviewId: string, contactId: string, metadata?: Record<string, unknown>) {
	const result = await api(sim.url, '/contact/call', { method: 'POST', body: { contact_id: contactId, interview_id: interviewId, metadata } });
	expect(result.status).toBe(200);
	return result.body.data.call_id as string;
}

describe('calls and webhook deliveries', () => {
	let sim: SimulatorHandle;
	let receiver: Receiver;

	beforeAll(async () => {
		sim = await startSimulator({ port: 0, callCompletionDelayMs: 60_000, deliveryTimeoutMs: 500 });
	});
	afterAll(() => sim.stop());
	beforeEach(async () => {
		sim.reset();
		sim.configure({ callCompletionDelayMs: 60_000, payloadShape: 'catalog' });
		receiver = await startReceiver();
	});
	afterEach(() => receiver.close());

	test('a placed call completes after the delay and is delivered as NEW_RESPONSE (catalog shape)', async () => {
		sim.configure({ callCompletionDelayMs: 20 });
		await subscribe(sim, 'NEW_RESPONSE', `${receiver.url}/hook`);
		const metadata = { campaign: 'spring-outbound', product: 'reporting suite' };
		const callId = await placeCall(sim, SEED.agents.salesQualifier, SEED.contacts.averyLee, metadata);
		const [delivery] = await sim.waitForDeliveries(1);
		expect(delivery).toEqual({
			type: 'NEW_RESPONSE',
			url: `${receiver.url}/hook`,
			subscriptionId: expect.any(String),
			teamId: SEED.teamId,
			shape: 'catalog',
			body: expect.any(Object),
			status: 200,
			attempts: 1,
			at: ISO,
		});
		expect(receiver.received).toHaveLength(1);
		const { headers, body, path } = receiver.received[0];
		expect(path).toBe('/hook');
		expect(headers['user-agent']).toBe(USER_AGENT);
		expect(headers['content-type']).toBe('application/json');
		expect(body).toEqual({
			event: 'NEW_RESPONSE',
			call: {
				id: callId,
				interview_id: SEED.agents.salesQualifier,
				contact_id: SEED.contacts.averyLee,
				direction: 'outbound',
				status: 'success',
				outcome: 'qualified',
				duration_seconds: expect.any(Number),
				recording_url: `https://recordings.thoughtly.com/${callId}.mp3`,
				started_at: ISO,
				ended_at: ISO,
			},
			agent: { id: SEED.agents.salesQualifier, title: 'Sales Qualifier', phone_number: '+14155557788' },
			transcript: expect.any(Array),
			custom_fields: metadata,
		});
		expect(body).toEqual(delivery.body);
		expect(body.transcript[0]).toEqual({
			transcript: 'Hi Avery, this is Maya from Northwind Analytics. Is now a good time?',
			speaker: 'ai',
			createdAt: ISO,
			step: 1,
			node_id: 'node_intro',
		});
		// Metadata fills the script's placeholders, as in Thoughtly.
		expect(body.transcript[2].transcript).toContain('reporting suite');
		expect(body.transcript[1]).toEqual({ transcript: expect.any(String), speaker: 'user', createdAt: ISO });
		expect(Date.parse(body.call.ended_at) - Date.parse(body.call.started_at)).toBe(body.call.duration_seconds * 1000);

		// The completed call is now one of the agent's responses.
		const responses = await api(sim.url, `/interview/${SEED.agents.salesQualifier}/responses?status=success`);
		const call = responses.body.data.responses.find((r: any) => r.id === callId);
		expect(call).toEqual(
			expect.objectContaining({ status: 'success', outcome: 'qualified', metadata, recording_url: body.call.recording_url, transcript: body.transcript }),
		);
	});

	test('legacy payload shape: the flat call object without an event name', async () => {
		sim.configure({ payloadShape: 'legacy' });
		await subscribe(sim, 'NEW_RESPONSE', receiver.url);
		const callId = await placeCall(sim, SEED.agents.appointmentReminder, SEED.contacts.jordanPatel, { source: 'crm' });
		const { deliveries } = await sim.completeCall(callId);
		expect(deliveries).toHaveLength(1);
		expect(deliveries[0].shape).toBe('legacy');
		const body = receiver.received[0].body;
		expect(body).toEqual({
			id: callId,
			created: ISO,
			updated: ISO,
			interview: { id: SEED.agents.appointmentReminder },
			contact: {
				id: SEED.contacts.jordanPatel,
				name: 'Jordan Patel',
				phone_number: '+14155550188',
				email: 'jordan.patel@example.com',
				attributes: { company: 'Globex', appointment_time: 'on Friday at 3 PM' },
				tags: ['customer', 'vip'],
				status: 'ACTIVE',
				created: ISO,
			},
			type: 'PHONE_CALL',
			status: 'success',
			start_time: ISO,
			end_time: ISO,
			duration_ms: expect.stringMatching(/^\d+$/),
			conversation_history: expect.any(Array),
			ai_name: 'Leo',
			phone_number: '+14155550188',
			recording_url: expect.stringMatching(/^https:\/\//),
			transcript: expect.stringMatching(/^Agent: Hi Jordan, this is Leo .* on Friday at 3 PM\.\nUser: /),
			summary_data: { outcome: 'confirmed', summary: expect.any(String) },
			metadata: { source: 'crm' },
		});
		expect(body.event).toBeUndefined();
		expect(body.conversation_history[0]).toEqual({
			date: ISO,
			text: expect.stringContaining('Hi Jordan'),
			author: 'ai',
			audio_url: expect.any(String),
			cumulative_duration_ms: expect.any(Number),
		});
		expect(body.conversation_history.map((t: any) => t.author)).toEqual(['ai', 'user', 'ai']);
	});

	test('`data` scopes deliveries to one agent or one folder; other teams never receive them', async () => {
		const url = (name: string) => `${receiver.url}/${name}`;
		await subscribe(sim, 'NEW_RESPONSE', url('all'));
		await subscribe(sim, 'NEW_RESPONSE', url('sales-agent'), SEED.agents.salesQualifier);
		await subscribe(sim, 'NEW_RESPONSE', url('reminder-agent'), SEED.agents.appointmentReminder);
		await subscribe(sim, 'FOLDER_NEW_RESPONSE', url('sales-folder'), SEED.folders.sales);
		await subscribe(sim, 'FOLDER_NEW_RESPONSE', url('scheduling-folder'), SEED.folders.scheduling);
		await subscribe(sim, 'FOLDER_NEW_RESPONSE', url('any-folder'));
		await subscribe(sim, 'PHONE_TRANSFER', url('transfers'));
		await subscribe(sim, 'NEW_RESPONSE', url('team-two'), undefined, teamTwo);

		const salesCall = await placeCall(sim, SEED.agents.salesQualifier, SEED.contacts.averyLee);
		const sales = await sim.completeCall(salesCall);
		expect(sales.call.status).toBe('success');
		expect(sales.deliveries.map((d) => `${d.type} ${d.url}`).sort()).toEqual(
			[
				`NEW_RESPONSE ${url('all')}`,
				`NEW_RESPONSE ${url('sales-agent')}`,
				`FOLDER_NEW_RESPONSE ${url('sales-folder')}`,
				`FOLDER_NEW_RESPONSE ${url('any-folder')}`,
			].sort(),
		);
		const folderBody = sales.deliveries.find((d) => d.url === url('sales-folder'))!.body as any;
		expect(folderBody).toEqual(expect.objectContaining({ event: 'FOLDER_NEW_RESPONSE', folder_id: SEED.folders.sales }));

		const reminderCall = await placeCall(sim, SEED.agents.appointmentReminder, SEED.contacts.jordanPatel);
		const reminder = await sim.completeCall(reminderCall);
		expect(reminder.deliveries.map((d) => d.url).sort()).toEqual(
			[url('all'), url('reminder-agent'), url('scheduling-folder'), url('any-folder')].sort(),
		);

		expect(receiver.received.map((r) => r.path).sort()).toEqual(
			['/all', '/sales-agent', '/sales-folder', '/any-folder', '/all', '/reminder-agent', '/scheduling-folder', '/any-folder'].sort(),
		);

		// Team two's own calls reach team two's subscriber only.
		const twoCall = await api(sim.url, '/contact/call', {
			method: 'POST',
			auth: teamTwo,
			body: { contact_id: SEED.otherTeam.contacts.ameliaClarke, interview_id: SEED.otherTeam.agents.renewalConcierge },
		});
		const two = await sim.completeCall(twoCall.body.data.call_id);
		expect(two.deliveries.map((d) => d.url)).toEqual([url('team-two')]);
		expect(two.deliveries[0].teamId).toBe(SEED.otherTeam.teamId);
	});

	test('an unsubscribed webhook receives nothing more', async () => {
		await subscribe(sim, 'NEW_RESPONSE', receiver.url, SEED.agents.salesQualifier);
		await api(sim.url, '/webhooks/unsubscribe', {
			method: 'DELETE',
			body: { type: 'NEW_RESPONSE', url: receiver.url, data: SEED.agents.salesQualifier },
		});
		const { deliveries } = await sim.completeCall(await placeCall(sim, SEED.agents.salesQualifier, SEED.contacts.averyLee));
		expect(deliveries).toEqual([]);
		expect(receiver.received).toEqual([]);
	});

	test('deliver() builds each of the five event types on demand', async () => {
		for (const type of ['NEW_RESPONSE', 'PHONE_TRANSFER', 'FOLDER_NEW_RESPONSE', 'FOLDER_PHONE_TRANSFER', 'ACTION_FAILED']) {
			await subscribe(sim, type, `${receiver.url}/${type}`);
		}
		const transfer = await sim.deliver({ type: 'PHONE_TRANSFER', interviewId: SEED.agents.salesQualifier });
		expect(transfer).toHaveLength(1);
		expect(transfer[0].body).toEqual(
			expect.objectContaining({
				event: 'PHONE_TRANSFER',
				call: expect.objectContaining({ interview_id: SEED.agents.salesQualifier, status: 'transferred' }),
				agent: expect.objectContaining({ id: SEED.agents.salesQualifier }),
				transfer: { to_number: expect.stringMatching(/^\+\d+$/), type: 'warm', reason: expect.any(String), transferred_at: ISO },
			}),
		);
		const failed = await sim.deliver({ type: 'ACTION_FAILED', callId: SEED.calls.jordanConfirmed });
		expect(failed[0].body).toEqual(
			expect.objectContaining({
				event: 'ACTION_FAILED',
				action: expect.objectContaining({ name: expect.any(String) }),
				error: expect.objectContaining({ message: expect.any(String) }),
				call: expect.objectContaining({ id: SEED.calls.jordanConfirmed, interview_id: SEED.agents.appointmentReminder }),
			}),
		);
		const folderTransfer = await sim.deliver({ type: 'FOLDER_PHONE_TRANSFER', folderId: SEED.folders.support });
		expect(folderTransfer[0].body).toEqual(
			expect.objectContaining({ event: 'FOLDER_PHONE_TRANSFER', folder_id: SEED.folders.support, agent: expect.objectContaining({ id: SEED.agents.outboundDisabled }) }),
		);
		// The inbound support agent has no calls yet: a sample call feeds the payload.
		expect((folderTransfer[0].body as any).call.direction).toBe('inbound');
		const folderResponse = await sim.deliver({ type: 'FOLDER_NEW_RESPONSE', folderId: SEED.folders.scheduling, shape: 'legacy' });
		expect(folderResponse[0].body).toEqual(expect.objectContaining({ id: SEED.calls.jordanConfirmed, type: 'PHONE_CALL' }));
		const newResponse = await sim.deliver({ type: 'NEW_RESPONSE' });
		expect((newResponse[0].body as any).agent.id).toBe(SEED.agents.salesQualifier);
		expect(receiver.received.map((r) => r.path)).toEqual([
			'/PHONE_TRANSFER',
			'/ACTION_FAILED',
			'/FOLDER_PHONE_TRANSFER',
			'/FOLDER_NEW_RESPONSE',
			'/NEW_RESPONSE',
		]);
		expect(sim.deliveries()).toHaveLength(5);
	});

	test('deliver() sends a given payload verbatim, still scoped by agent', async () => {
		await subscribe(sim, 'NEW_RESPONSE', `${receiver.url}/sales`, SEED.agents.salesQualifier);
		await subscribe(sim, 'NEW_RESPONSE', `${receiver.url}/reminder`, SEED.agents.appointmentReminder);
		const payload = { anything: ['goes', 1, null] };
		const deliveries = await sim.deliver({ type: 'NEW_RESPONSE', interviewId: SEED.agents.appointmentReminder, payload });
		expect(deliveries.map((d) => [d.url, d.shape])).toEqual([[`${receiver.url}/reminder`, 'custom']]);
		expect(receiver.received[0].body).toEqual(payload);
		await expect(sim.deliver({ type: 'NOPE' as never })).rejects.toThrow(/type must be one of/);
		await expect(sim.deliver({ type: 'NEW_RESPONSE', interviewId: 'agt_missing' })).rejects.toThrow(/not found/);
	});

	test("a subscriber's failure is logged, not retried", async () => {
		await subscribe(sim, 'NEW_RESPONSE', receiver.url);
		receiver.respondWith({ status: 500 });
		const [failed] = await sim.deliver({ type: 'NEW_RESPONSE' });
		expect(failed).toEqual(expect.objectContaining({ status: 500, attempts: 1 }));
		expect(receiver.received).toHaveLength(1);

		const closed = await startReceiver();
		await closed.close();
		await api(sim.url, '/webhooks/unsubscribe', { method: 'DELETE', body: { type: 'NEW_RESPONSE', url: receiver.url } });
		await subscribe(sim, 'NEW_RESPONSE', closed.url);
		const [unreachable] = await sim.deliver({ type: 'NEW_RESPONSE' });
		expect(unreachable).toEqual(expect.objectContaining({ status: null, error: expect.any(String), attempts: 1 }));
		expect(sim.deliveries().map((d) => d.status)).toEqual([500, null]);
	});

	test('a subscriber that does not answer in time fails the delivery', async () => {
		await subscribe(sim, 'NEW_RESPONSE', receiver.url);
		receiver.respondWith('hang');
		const [slow] = await sim.deliver({ type: 'NEW_RESPONSE' });
		expect(slow).toEqual(expect.objectContaining({ status: null, error: expect.stringMatching(/no answer within 500 ms/), attempts: 1 }));
	});

	test('a 429 from the subscriber is retried once after its Retry-After', async () => {
		await subscribe(sim, 'NEW_RESPONSE', receiver.url);
		receiver.respondWith({ status: 429, headers: { 'Retry-After': '0' } });
		const [retried] = await sim.deliver({ type: 'NEW_RESPONSE' });
		expect(retried).toEqual(expect.objectContaining({ status: 200, attempts: 2 }));
		expect(receiver.received).toHaveLength(2);
		expect(receiver.received[1].body).toEqual(receiver.received[0].body);

		receiver.respondWith({ status: 429, headers: { 'Retry-After': '0' } }, { status: 429, headers: { 'Retry-After': '0' } });
		const [gaveUp] = await sim.deliver({ type: 'NEW_RESPONSE' });
		expect(gaveUp).toEqual(expect.objectContaining({ status: 429, attempts: 2 }));
		expect(receiver.received).toHaveLength(4);
	});

	test('completeCall() refuses unknown and already completed calls; reset() cancels pending completions', async () => {
		await expect(sim.completeCall('call_missing')).rejects.toThrow(/not found/);
		await expect(sim.completeCall(SEED.calls.averyQualified)).rejects.toThrow(/already success/);
		sim.configure({ callCompletionDelayMs: 30 });
		await subscribe(sim, 'NEW_RESPONSE', receiver.url);
		await placeCall(sim, SEED.agents.salesQualifier, SEED.contacts.averyLee);
		sim.reset();
		await expect(sim.waitForDeliveries(1, 200)).rejects.toThrow(/expected 1 webhook deliveries/);
		expect(receiver.received).toEqual([]);
	});
});
