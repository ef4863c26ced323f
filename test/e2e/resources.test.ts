/**
 * One workflow per resource, saved in n8n and run by n8n (POST /rest/workflows/:id/run), each
 * checked twice: the requests the simulator received, and the items n8n recorded in the
 * execution.
 */
import type { Execution, WorkflowDefinition } from '../../scripts/lib/n8n-client';
import { nodeOutput } from '../../scripts/lib/n8n-client';
import { SEED } from '../simulator/seed';
import { chain, manualTrigger, shared, singleOperationWorkflow, thoughtlyNode, uniqueName, type Shared } from './harness/suite';

let ctx: Shared;

beforeAll(async () => {
	ctx = await shared();
});

beforeEach(async () => {
	await ctx.sim.reset();
});

/** Saves the workflow in n8n, runs it from its manual trigger and returns the finished execution. */
async function run(definition: WorkflowDefinition): Promise<Execution> {
	const workflow = await ctx.n8n.createWorkflow(definition);
	const execution = await ctx.n8n.runWorkflowAndWait(workflow.id, definition.nodes[0].name);
	if (execution.status !== 'success') {
		throw new Error(`execution ${execution.id} ended ${execution.status}: ${JSON.stringify(execution.data.resultData.error ?? {})}`);
	}
	return execution;
}

/** What the API itself answers (envelope unwrapped), to compare with what the node returned. */
async function api(path: string): Promise<any> {
	const response = await fetch(`${ctx.state.simulatorUrl}${path}`, {
		headers: { 'x-api-token': ctx.state.apiToken, team_id: ctx.state.teamId },
	});
	expect(response.status).toBe(200);
	return ((await response.json()) as { data: unknown }).data;
}

const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

describe('each resource, run by n8n', () => {
	it('agent → Get Many: every active agent, one item each', async () => {
		const execution = await run(
			singleOperationWorkflow(uniqueName('e2e agents'), { resource: 'agent', operation: 'getMany', returnAll: true, filters: {} }, ctx.credential),
		);
		const items = nodeOutput(execution, 'Thoughtly');
		const requests = await ctx.sim.requests();
		expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /interview']);
		expect(requests[0].query).toMatchObject({ page: '0', limit: '50' });

		const listed = (await api('/interview?limit=50')).interviews;
		expect(items).toEqual(listed);
		expect(items.map((a) => a.id).sort()).toEqual(
			[SEED.agents.salesQualifier, SEED.agents.appointmentReminder, SEED.agents.outboundDisabled].sort(),
		);
	});

	it("call → Get Many: one agent's calls, filtered by status", async () => {
		const execution = await run(
			singleOperationWorkflow(
				uniqueName('e2e calls'),
				{
					resource: 'call',
					operation: 'getMany',
					agentId: byId(SEED.agents.salesQualifier),
					returnAll: true,
					filters: { statuses: 'success,voicemail' },
				},
				ctx.credential,
			),
		);
		const items = nodeOutput(execution, 'Thoughtly');
		const requests = await ctx.sim.requests();
		expect(requests).toHaveLength(1);
		expect(requests[0].path).toBe(`/interview/${SEED.agents.salesQualifier}/responses`);
		expect(requests[0].query.status).toEqual(['success', 'voicemail']);
		expect(items.map((c) => c.id).sort()).toEqual([SEED.calls.averyQualified, SEED.calls.priyaVoicemail].sort());
		for (const call of items) expect(call.interview_id).toBe(SEED.agents.salesQualifier);
	});

	it('contact → Create, Get and Call in one workflow, then Get Many and Delete', async () => {
		const trigger = manualTrigger();
		const create = thoughtlyNode(
			'Create Contact',
			{
				resource: 'contact',
				operation: 'create',
				phoneNumber: '+14155550999',
				additionalFields: { name: 'Taylor Kim', email: 'taylor.kim@example.com', tags: 'lead, e2e', attributes: '{"company":"Acme"}' },
			},
			ctx.credential,
		);
		const get = thoughtlyNode('Get Contact', { resource: 'contact', operation: 'get', contactId: byId('={{ $json.id }}') }, ctx.credential, [440, 0]);
		const call = thoughtlyNode(
			'Call Contact',
			{
				resource: 'contact',
				operation: 'call',
				contactId: byId("={{ $('Create Contact').item.json.id }}"),
				agentId: byId(SEED.agents.salesQualifier),
				metadata: '{"source":"e2e"}',
			},
			ctx.credential,
			[660, 0],
		);
		const execution = await run({ name: uniqueName('e2e contact'), nodes: [trigger, create, get, call], connections: chain(trigger, create, get, call) });

		const requests = await ctx.sim.requests();
		expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /contact/create',
			expect.stringMatching(/^GET \/contact\/cnt_/),
			'POST /contact/call',
		]);
		expect(requests[0].body).toEqual({
			phone_number: '+14155550999',
			name: 'Taylor Kim',
			email: 'taylor.kim@example.com',
			tags: ['lead', 'e2e'],
			attributes: { company: 'Acme' },
		});
		const [created] = nodeOutput(execution, 'Create Contact');
		expect(created).toMatchObject({ phone_number: '+14155550999', name: 'Taylor Kim', tags: ['lead', 'e2e'] });
		expect(requests[1].path).toBe(`/contact/${created.id}`);
		expect(nodeOutput(execution, 'Get Contact')).toEqual([created]);
		expect(requests[2].body).toEqual({ contact_id: created.id, interview_id: SEED.agents.salesQualifier, metadata: { source: 'e2e' } });
		const [placed] = nodeOutput(execution, 'Call Contact');
		expect(placed).toMatchObject({ status: 'queued', contact_id: created.id, interview_id: SEED.agents.salesQualifier });
		expect(placed.call_id).toMatch(/^call_/);

		await ctx.sim.clearRequests();
		const list = thoughtlyNode(
			'Find Contacts',
			{ resource: 'contact', operation: 'getMany', returnAll: true, filters: { search: 'Taylor' } },
			ctx.credential,
		);
		const remove = thoughtlyNode('Delete Contact', { resource: 'contact', operation: 'delete', contactId: byId('={{ $json.id }}') }, ctx.credential, [440, 0]);
		const second = await run({ name: uniqueName('e2e contact cleanup'), nodes: [trigger, list, remove], connections: chain(trigger, list, remove) });
		expect(nodeOutput(second, 'Find Contacts')).toEqual([created]);
		const cleanup = await ctx.sim.requests();
		expect(cleanup.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /contact', `DELETE /contact/${created.id}`]);
		expect(cleanup[0].query).toMatchObject({ search: 'Taylor' });
		expect(nodeOutput(second, 'Delete Contact')).toHaveLength(1);
		const state = await ctx.sim.state();
		expect(state.teams[SEED.teamId].contacts.find((c) => c.id === created.id)).toBeUndefined();
	});

	it('user → Get: the user the API token belongs to', async () => {
		const execution = await run(singleOperationWorkflow(uniqueName('e2e user'), { resource: 'user', operation: 'get' }, ctx.credential));
		const requests = await ctx.sim.requests();
		expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /user']);
		expect(requests[0].headers['x-api-token']).toBe(ctx.state.apiToken);
		expect(nodeOutput(execution, 'Thoughtly')).toEqual([await api('/user')]);
		expect(nodeOutput(execution, 'Thoughtly')[0]).toMatchObject({ id: SEED.user.id, email: SEED.user.email });
	});

	it('webhook → Subscribe, Get Many and Unsubscribe', async () => {
		const url = 'https://crm.example.com/hooks/thoughtly';
		const trigger = manualTrigger();
		const subscribe = thoughtlyNode(
			'Subscribe',
			{ resource: 'webhook', operation: 'subscribe', event: 'PHONE_TRANSFER', url, data: SEED.agents.salesQualifier },
			ctx.credential,
		);
		const list = thoughtlyNode('List Subscriptions', { resource: 'webhook', operation: 'getMany' }, ctx.credential, [440, 0]);
		const first = await run({ name: uniqueName('e2e webhooks'), nodes: [trigger, subscribe, list], connections: chain(trigger, subscribe, list) });
		let requests = await ctx.sim.requests();
		expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /webhooks/subscribe', 'GET /webhooks']);
		expect(requests[0].body).toEqual({ type: 'PHONE_TRANSFER', url, data: SEED.agents.salesQualifier });
		expect(nodeOutput(first, 'Subscribe')).toEqual([expect.objectContaining({ type: 'PHONE_TRANSFER', url })]);
		expect(nodeOutput(first, 'List Subscriptions')).toEqual(
			expect.arrayContaining([expect.objectContaining({ type: 'PHONE_TRANSFER', url, data: SEED.agents.salesQualifier })]),
		);

		await ctx.sim.clearRequests();
		const unsubscribe = thoughtlyNode(
			'Unsubscribe',
			{ resource: 'webhook', operation: 'unsubscribe', event: 'PHONE_TRANSFER', url, data: SEED.agents.salesQualifier },
			ctx.credential,
		);
		const second = await run({ name: uniqueName('e2e unsubscribe'), nodes: [trigger, unsubscribe], connections: chain(trigger, unsubscribe) });
		requests = await ctx.sim.requests();
		expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /webhooks/unsubscribe']);
		expect(requests[0].body).toEqual({ type: 'PHONE_TRANSFER', url, data: SEED.agents.salesQualifier });
		expect(nodeOutput(second, 'Unsubscribe')).toHaveLength(1);
		const state = await ctx.sim.state();
		expect(state.teams[SEED.teamId].webhooks.filter((w) => w.url === url)).toEqual([]);
	});

	it('automation → Trigger: the payload, without credentials', async () => {
		const execution = await run(
			singleOperationWorkflow(
				uniqueName('e2e automation'),
				{
					resource: 'automation',
					operation: 'trigger',
					automationId: SEED.automations.leadIntake,
					payload: '{"lead":{"name":"Taylor Kim","phone":"+14155550999"}}',
					options: {},
				},
				ctx.credential,
			),
		);
		const requests = await ctx.sim.requests();
		expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /webhook/automation/${SEED.automations.leadIntake}`]);
		expect(requests[0].body).toEqual({ lead: { name: 'Taylor Kim', phone: '+14155550999' } });
		expect(requests[0].headers['x-api-token']).toBeUndefined();
		expect(requests[0].headers.team_id).toBeUndefined();
		expect(nodeOutput(execution, 'Thoughtly')).toHaveLength(1);
		const state = await ctx.sim.state();
		expect(state.teams[SEED.teamId].automationRuns).toEqual([
			expect.objectContaining({ automation_id: SEED.automations.leadIntake, received: { lead: { name: 'Taylor Kim', phone: '+14155550999' } } }),
		]);
	});
});
