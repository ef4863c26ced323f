/**
 * Thoughtly Polling Trigger in n8n-core's PollContext, polled as n8n's server polls it
 * (test/helpers/poll.ts), against the simulator. Calls complete between polls when a test says
 * so; every assertion is on the exact items emitted and the exact requests that reached the
 * simulator.
 */
import type { IDataObject, INodeCredentialsDetails, INodeParameters } from 'n8n-workflow';

import type { SimulatorHandle, Variant } from '../../simulator';
import { SEED, startSimulator } from '../../simulator';
import type { N8nHarness } from '../../helpers/n8n';
import { startN8n } from '../../helpers/n8n';
import { DeployedPoller } from '../../helpers/poll';

const SALES = SEED.agents.salesQualifier;
const REMINDER = SEED.agents.appointmentReminder;
const PHONE_CONTACTS = [
	SEED.contacts.averyLee,
	SEED.contacts.jordanPatel,
	SEED.contacts.mariaGonzalez,
	SEED.contacts.chenWei,
	SEED.contacts.priyaRaman,
];

let sim: SimulatorHandle;
let harness: N8nHarness;
let credentials: INodeCredentialsDetails;

beforeAll(async () => {
	// No call completes by itself: tests complete calls when they choose.
	sim = await startSimulator({ port: 0, rateLimit: 100_000, callCompletionDelayMs: 3_600_000 });
	harness = await startN8n();
	credentials = await harness.addCredentials('thoughtlyApi', {
		apiToken: sim.apiToken,
		teamId: sim.teamId,
		baseUrl: sim.url,
		requestsPerMinute: 100_000,
	});
});

afterAll(async () => {
	await sim.stop();
});

beforeEach(() => {
	sim.reset();
	sim.configure({ variants: [] });
});

function agentFromList(agentId: string, name = 'Sales Qualifier') {
	return { __rl: true, mode: 'list', value: agentId, cachedResultName: name };
}

const ALL_AGENTS = { __rl: true, mode: 'list', value: 'all', cachedResultName: 'All Agents' };

function deploy(parameters: INodeParameters): DeployedPoller {
	const node = harness.node({
		type: 'thoughtlyPollingTrigger',
		parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...parameters },
		credentials: { thoughtlyApi: credentials },
	});
	return new DeployedPoller(harness, node);
}

async function placeCall(contactId: string, agentId: string): Promise<string> {
	const response = await fetch(`${sim.url}/contact/call`, {
		method: 'POST',
		headers: { 'x-api-token': sim.apiToken, team_id: sim.teamId, 'Content-Type': 'application/json' },
		body: JSON.stringify({ contact_id: contactId, interview_id: agentId, metadata: { campaign: 'spring' } }),
	});
	const body = (await response.json()) as { data: { call_id: string } };
	return body.data.call_id;
}

/** Places and completes `count` calls with the agent, one after the other; their IDs in completion order. */
async function completeCalls(count: number, agentId: string = SALES): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const id = await placeCall(PHONE_CONTACTS[i % PHONE_CONTACTS.length], agentId);
		await sim.completeCall(id);
		ids.push(id);
	}
	return ids;
}

function callIds(items: Array<{ json: IDataObject }> | null | undefined): string[] {
	return (items ?? []).map((item) => String(item.json.callId ?? item.json.id));
}

/** The pages of responses read since the log was cleared, as `agent:page`. */
function pagesRead(): string[] {
	return sim
		.requests()
		.filter((r) => r.path.endsWith('/responses'))
		.map((r) => `${r.path.split('/')[2]}:${r.query.page}`);
}

function storedCall(id: string): IDataObject {
	return JSON.parse(JSON.stringify(sim.state().teams[SEED.teamId].calls.find((c) => c.id === id)));
}

describe('activation', () => {
	it('emits nothing on the first poll, reading only the newest page, and nothing on the next', async () => {
		const poller = deploy({ agentId: agentFromList(SALES) });
		sim.clearRequests();
		expect(await poller.activate()).toEqual({ items: undefined });
		expect(sim.requests().map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', `/interview/${SALES}/responses`, { page: '0', limit: '50' }],
		]);
		expect(await poller.poll()).toEqual({});
		expect(poller.executions).toEqual([]);
	});

	it('sends the credential with every request (through the package transport)', async () => {
		const poller = deploy({ agentId: agentFromList(SALES) });
		sim.clearRequests();
		await poller.activate();
		await poller.poll();
		const headers = sim.requests().map((r) => [r.headers['x-api-token'], r.headers.team_id]);
		expect(headers).toEqual([
			[sim.apiToken, sim.teamId],
			[sim.apiToken, sim.teamId],
		]);
	});
});

describe.each(['newest-first', 'oldest-first'] as const)('calls completing between polls (%s list)', (order) => {
	beforeEach(() => {
		sim.configure({ variants: order === 'oldest-first' ? ['responses-oldest-first'] : [] });
	});

	it('emits each once, oldest first, over several pages, then nothing', async () => {
		const poller = deploy({ agentId: agentFromList(SALES) });
		await poller.activate();
		// 3 seeded calls + 120 new ones: three pages of 50.
		const completed = await completeCalls(120);
		sim.clearRequests();

		const first = await poller.poll();
		expect(callIds(first.items)).toEqual(completed);
		// Newest first: page 2 ends the list. Oldest first: page 0 tells the order and the total,
		// then the last page and back (page 0 is not read twice).
		expect(pagesRead()).toEqual(
			order === 'newest-first' ? [`${SALES}:0`, `${SALES}:1`, `${SALES}:2`] : [`${SALES}:0`, `${SALES}:2`, `${SALES}:1`],
		);

		sim.clearRequests();
		expect(await poller.poll()).toEqual({});
		const more = await completeCalls(2);
		expect(callIds((await poller.poll()).items)).toEqual(more);
		expect(poller.executions.map((items) => items.length)).toEqual([120, 2]);
	});

	it('stops paging at a page that holds nothing new', async () => {
		const poller = deploy({ agentId: agentFromList(SALES) });
		await poller.activate();
		await completeCalls(60);
		await poller.poll();
		// 63 calls on two pages; 50 new ones fill the newest page exactly.
		const completed = await completeCalls(50);
		sim.clearRequests();
		expect(callIds((await poller.poll()).items)).toEqual(completed);
		// 113 calls, three pages. Newest first, page 1 holds nothing new. Oldest first, the last
		// page (2) and page 1 hold the 50 new calls, page 0 nothing new.
		expect(pagesRead()).toEqual(
			order === 'newest-first' ? [`${SALES}:0`, `${SALES}:1`] : [`${SALES}:0`, `${SALES}:2`, `${SALES}:1`],
		);
	});

	it('emits nothing twice after a restart, and the calls completed while n8n was down once', async () => {
		const poller = deploy({ agentId: agentFromList(SALES) });
		await poller.activate();
		const before = await completeCalls(2);
		expect(callIds((await poller.poll()).items)).toEqual(before);

		const whileDown = await completeCalls(3);
		// n8n's first poll after start-up, from the saved static data.
		expect(callIds((await poller.restart()).items)).toEqual(whileDown);
		expect(await poller.poll()).toEqual({});
		expect(await poller.restart()).toEqual({ items: undefined });
		expect(poller.executions.map(callIds)).toEqual([before, whileDown]);
	});
});

describe.each<Variant>(['bare-lists', 'count-is-page-size'])('lists without a total (%s)', (variant) => {
	beforeEach(() => {
		sim.configure({ variants: [variant] });
	});

	it('newest first: reads on until a short page', async () => {
		const poller = deploy({ agentId: agentFromList(SALES) });
		await poller.activate();
		const completed = await completeCalls(120);
		sim.clearRequests();
		expect(callIds((await poller.poll()).items)).toEqual(completed);
		expect(pagesRead()).toEqual([`${SALES}:0`, `${SALES}:1`, `${SALES}:2`]);
	});

	it('oldest first: works while the calls fit on one page', async () => {
		sim.configure({ variants: [variant, 'responses-oldest-first'] });
		const poller = deploy({ agentId: agentFromList(SALES) });
		await poller.activate();
		const completed = await completeCalls(2);
		sim.clearRequests();
		expect(callIds((await poller.poll()).items)).toEqual(completed);
		expect(pagesRead()).toEqual([`${SALES}:0`]);
	});

	it('oldest first over several pages: fails, saying why, instead of missing calls', async () => {
		sim.configure({ variants: [variant, 'responses-oldest-first'] });
		await completeCalls(50);
		const poller = deploy({ agentId: agentFromList(SALES) });
		await expect(poller.activate()).rejects.toThrow(
			`Thoughtly lists the calls of agent ${SALES} oldest first without saying how many there are`,
		);
	});
});

describe('requests per poll', () => {
	it('reads at most 10 pages of an agent per poll: of 510 new calls, the newest 500', async () => {
		const poller = deploy({ agentId: agentFromList(SALES) });
		await poller.activate();
		const completed = await completeCalls(510);
		sim.clearRequests();
		expect(callIds((await poller.poll()).items)).toEqual(completed.slice(10));
		expect(pagesRead()).toEqual(Array.from({ length: 10 }, (_, page) => `${SALES}:${page}`));
		expect(await poller.poll()).toEqual({});
	}, 60_000);
});

describe('overlapping polls', () => {
	it('emit each call once: a poll that starts while the last one still runs starts nothing', async () => {
		const poller = deploy({ agentId: agentFromList(SALES) });
		await poller.activate();
		const completed = await completeCalls(3);
		const outcomes = await Promise.all([poller.poll(), poller.poll()]);
		expect(outcomes.map((o) => callIds(o.items))).toEqual([completed, []]);
		expect(await poller.poll()).toEqual({});
	});
});

describe('a poll that fails', () => {
	it.each([
		['500 (after the transport tried three times)', { kind: 'status' as const, status: 500, count: 3 }],
		// Each refusal uses at least 1 s of the transport's 60 s of patience, waited or not.
		['429 (once the transport ran out of patience)', { kind: 'status' as const, status: 429, retryAfter: 0, count: 61 }],
	])('with %s emits nothing and loses nothing', async (_name, fault) => {
		const poller = deploy({ agentId: agentFromList(SALES) });
		await poller.activate();
		const saved = structuredClone(poller.storedStaticData);
		const completed = await completeCalls(3);

		sim.injectFault({ ...fault, path: '/interview/{interview_id}/responses' });
		const failed = await poller.poll();
		expect(failed.items).toBeUndefined();
		expect((failed.error as { httpCode?: string }).httpCode).toBe(String(fault.status));
		expect(poller.storedStaticData).toEqual(saved);

		expect(callIds((await poller.poll()).items)).toEqual(completed);
		expect(poller.executions.map(callIds)).toEqual([completed]);
	});

	it('keeps the calls of agents read before the failure for the next poll (all agents)', async () => {
		const poller = deploy({ agentId: ALL_AGENTS });
		await poller.activate();
		const sales = await completeCalls(2, SALES);
		const reminder = await completeCalls(1, REMINDER);
		// The agent list names the Sales Qualifier last: the other agents were read when it fails.
		sim.injectFault({ kind: 'status', status: 503, count: 3, path: `/interview/${SALES}/responses` });
		expect((await poller.poll()).error).toBeDefined();
		expect(callIds((await poller.poll()).items)).toEqual([...sales, ...reminder]);
	});

	it('is not a failure when Thoughtly answers 429 once: the transport waits and the poll emits', async () => {
		const poller = deploy({ agentId: agentFromList(SALES) });
		await poller.activate();
		const completed = await completeCalls(1);
		sim.injectFault({ kind: 'status', status: 429, retryAfter: 0, path: '/interview/{interview_id}/responses' });
		sim.clearRequests();
		expect(callIds((await poller.poll()).items)).toEqual(completed);
		expect(sim.requests().map((r) => r.status)).toEqual([429, 200]);
	});
});

describe('all agents', () => {
	it('reads one agent list and one page per agent, and emits every agent’s calls in completion order', async () => {
		const poller = deploy({ agentId: ALL_AGENTS });
		await poller.activate();
		const completed = [
			...(await completeCalls(1, SALES)),
			...(await completeCalls(1, REMINDER)),
			...(await completeCalls(1, SALES)),
		];
		sim.clearRequests();
		expect(callIds((await poller.poll()).items)).toEqual(completed);
		expect(sim.requests().map((r) => `${r.method} ${r.path} ${r.query.page}`)).toEqual([
			'GET /interview 0',
			...[SEED.agents.outboundDisabled, REMINDER, SALES].map((agent) => `GET /interview/${agent}/responses 0`),
		]);
	});
});

describe('items', () => {
	it('without Simplify: the call as Thoughtly lists it, plus triggerEvent', async () => {
		const poller = deploy({ agentId: agentFromList(SALES), simplify: false });
		await poller.activate();
		const [id] = await completeCalls(1);
		const { items } = await poller.poll();
		expect(items?.map((item) => JSON.parse(JSON.stringify(item.json)))).toEqual([
			{ ...storedCall(id), triggerEvent: 'NEW_RESPONSE' },
		]);
	});

	it('with Simplify: the webhook trigger’s flat item, agent name included', async () => {
		const poller = deploy({ agentId: agentFromList(SALES), simplify: true });
		await poller.activate();
		const [id] = await completeCalls(1);
		const call = storedCall(id);
		const { items } = await poller.poll();
		expect(items?.map((item) => item.json)).toEqual([
			{
				triggerEvent: 'NEW_RESPONSE',
				callId: id,
				agentId: SALES,
				agentName: 'Sales Qualifier',
				contactId: SEED.contacts.averyLee,
				contactName: null,
				contactPhoneNumber: null,
				agentPhoneNumber: '+14155557788',
				direction: 'outbound',
				status: call.status,
				outcome: call.outcome,
				summary: null,
				durationSeconds: call.duration_seconds,
				startedAt: call.started_at,
				endedAt: call.ended_at,
				recordingUrl: `https://recordings.thoughtly.com/${id}.mp3`,
				transcript: (call.transcript as IDataObject[])
					.map((turn) => `${turn.speaker === 'ai' ? 'Agent' : 'Contact'}: ${turn.transcript as string}`)
					.join('\n'),
				customFields: { campaign: 'spring' },
			},
		]);
	});
});

describe('Fetch Test Event', () => {
	it('returns the most recent completed call and leaves the state alone', async () => {
		const poller = deploy({ agentId: ALL_AGENTS });
		await poller.activate();
		const saved = structuredClone(poller.storedStaticData);
		const [, latest] = [...(await completeCalls(1, REMINDER)), ...(await completeCalls(1, SALES))];
		expect(callIds(await poller.fetchTestEvent())).toEqual([latest]);
		expect(poller.storedStaticData).toEqual(saved);
		// The scheduled poll still emits both.
		expect(callIds((await poller.poll()).items)).toHaveLength(2);
	});

	it('says so when the agent has no completed call yet', async () => {
		const poller = deploy({ agentId: agentFromList(SEED.agents.outboundDisabled, 'Inbound Support Line') });
		await expect(poller.fetchTestEvent()).rejects.toThrow('Thoughtly has no completed call for this agent yet');
	});
});

describe('static data', () => {
	it('starts afresh (emitting nothing old) when the Agent is changed', async () => {
		const poller = deploy({ agentId: agentFromList(SALES) });
		await poller.activate();
		await completeCalls(2, REMINDER);
		const moved = new DeployedPoller(
			harness,
			{ ...poller.node, parameters: { ...poller.node.parameters, agentId: agentFromList(REMINDER, 'Appointment Reminder') } },
		);
		moved.storedStaticData = poller.storedStaticData;
		expect(await moved.activate()).toEqual({ items: undefined });
		const next = await completeCalls(1, REMINDER);
		expect(callIds((await moved.poll()).items)).toEqual(next);
	});
});

describe('Agent picker', () => {
	const search = async (filter?: string, paginationToken?: string) =>
		await harness.listSearch({
			type: 'thoughtlyPollingTrigger',
			method: 'searchAgents',
			credentials: { thoughtlyApi: credentials },
			filter,
			paginationToken,
		});

	it('lists "All Agents" first, then the agents as the action node lists them', async () => {
		const action = await harness.listSearch({ type: 'thoughtly', method: 'searchAgents', credentials: { thoughtlyApi: credentials } });
		expect(await search()).toEqual({ ...action, results: [{ name: 'All Agents', value: 'all' }, ...action.results] });
	});

	it('leaves "All Agents" out when searching', async () => {
		expect(await search('sales')).toEqual({ results: [{ name: 'Sales Qualifier', value: SALES }] });
	});
});
