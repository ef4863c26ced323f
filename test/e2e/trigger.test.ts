/**
 * The Thoughtly Trigger driven by n8n itself: publishing (activating) the workflow subscribes
 * it, a call placed through the action node completes in the simulator and is delivered to
 * n8n's production webhook, and unpublishing unsubscribes.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowDefinition, WorkflowNode } from '../../scripts/lib/n8n-client';
import { nodeOutput } from '../../scripts/lib/n8n-client';
import { waitFor } from '../../scripts/lib/processes';
import { SEED } from '../simulator/seed';
import type { Delivery, WebhookSubscription } from '../simulator/types';
import { CREDENTIAL_TYPE, shared, singleOperationWorkflow, TRIGGER_NODE_TYPE, uniqueName, type Shared } from './harness/suite';

let ctx: Shared;

beforeAll(async () => {
	ctx = await shared();
});

beforeEach(async () => {
	await ctx.sim.reset();
});

function triggerWorkflow(parameters: Record<string, unknown>): { definition: WorkflowDefinition; webhookId: string } {
	const webhookId = randomUUID();
	const trigger: WorkflowNode = {
		id: randomUUID(),
		name: 'Thoughtly Trigger',
		type: TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters,
		credentials: { [CREDENTIAL_TYPE]: ctx.credential },
	};
	return { definition: { name: uniqueName('e2e trigger'), nodes: [trigger], connections: {} }, webhookId };
}

/** The subscriptions team one holds for this workflow's production webhook URL. */
async function subscriptionsFor(webhookId: string): Promise<WebhookSubscription[]> {
	const state = await ctx.sim.state();
	const prefix = `${ctx.state.n8nUrl}/webhook/${webhookId}/`;
	return state.teams[SEED.teamId].webhooks.filter((w) => w.url.startsWith(prefix));
}

async function placeCall(contactId: string, agentId: string): Promise<string> {
	const workflow = await ctx.n8n.createWorkflow(
		singleOperationWorkflow(
			uniqueName('e2e place call'),
			{
				resource: 'contact',
				operation: 'call',
				contactId: { __rl: true, mode: 'id', value: contactId },
				agentId: { __rl: true, mode: 'id', value: agentId },
				metadata: '{}',
			},
			ctx.credential,
		),
	);
	const execution = await ctx.n8n.runWorkflowAndWait(workflow.id, workflow.nodes[0].name);
	expect(execution.status).toBe('success');
	const [placed] = nodeOutput(execution, 'Thoughtly');
	return placed.call_id as string;
}

async function deliveriesTo(webhookId: string, count: number): Promise<Delivery[]> {
	return await waitFor(
		`${count} deliveries to webhook ${webhookId}`,
		async () => {
			const deliveries = (await ctx.sim.deliveries()).filter((d) => d.url.includes(`/webhook/${webhookId}/`));
			return deliveries.length >= count ? deliveries : undefined;
		},
		30_000,
	);
}

describe('Thoughtly Trigger, activated and deactivated by n8n', () => {
	it('subscribes on activation, starts an execution per completed call, unsubscribes on deactivation', async () => {
		const { definition, webhookId } = triggerWorkflow({ events: ['NEW_RESPONSE', 'PHONE_TRANSFER'], simplify: false });
		const workflow = await ctx.n8n.createWorkflow(definition);

		await ctx.n8n.activateWorkflow(workflow.id);
		const subscriptions = await subscriptionsFor(webhookId);
		expect(subscriptions.map((s) => s.type).sort()).toEqual(['NEW_RESPONSE', 'PHONE_TRANSFER']);
		for (const subscription of subscriptions) {
			expect(subscription.data).toBeUndefined();
			const url = new URL(subscription.url);
			expect(url.searchParams.get('event')).toBe(subscription.type);
			expect(url.searchParams.get('secret')).toMatch(/\S{16,}/);
		}
		const activation = await ctx.sim.requests();
		expect(activation.filter((r) => r.method === 'POST' && r.path === '/webhooks/subscribe')).toHaveLength(2);

		// A delivery that lacks the node's secret is refused and starts nothing.
		const forged = await fetch(`${ctx.state.n8nUrl}/webhook/${webhookId}/webhook?event=NEW_RESPONSE`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ forged: true }),
		});
		expect(forged.status).toBe(401);

		const callId = await placeCall(SEED.contacts.averyLee, SEED.agents.salesQualifier);
		const [delivery] = await deliveriesTo(webhookId, 1);
		expect(delivery).toMatchObject({ type: 'NEW_RESPONSE', status: 200 });

		const [summary] = await ctx.n8n.waitForExecutions(workflow.id, 1);
		expect(summary.mode).toBe('webhook');
		expect(summary.status).toBe('success');
		const execution = await ctx.n8n.getExecution(summary.id);
		const items = nodeOutput(execution, 'Thoughtly Trigger');
		expect(items).toEqual([{ ...(delivery.body as object), triggerEvent: 'NEW_RESPONSE' }]);
		expect(JSON.stringify(items[0])).toContain(callId);
		// Exactly one execution: the forged delivery started none.
		expect(await ctx.n8n.listExecutions(workflow.id)).toHaveLength(1);

		await ctx.sim.clearRequests();
		await ctx.n8n.deactivateWorkflow(workflow.id);
		expect(await subscriptionsFor(webhookId)).toEqual([]);
		const removal = (await ctx.sim.requests()).filter((r) => r.path === '/webhooks/unsubscribe');
		expect(removal.map((r) => r.body).sort((a: any, b: any) => a.type.localeCompare(b.type))).toEqual(
			subscriptions
				.map((s) => ({ type: s.type, url: s.url }))
				.sort((a, b) => a.type.localeCompare(b.type)),
		);
	});

	it("with Simplify and one agent: only that agent's calls, as one flat item", async () => {
		const { definition, webhookId } = triggerWorkflow({
			events: ['NEW_RESPONSE'],
			agentId: { __rl: true, mode: 'id', value: SEED.agents.appointmentReminder },
			simplify: true,
		});
		const workflow = await ctx.n8n.createWorkflow(definition);
		await ctx.n8n.activateWorkflow(workflow.id);
		const subscriptions = await subscriptionsFor(webhookId);
		expect(subscriptions).toEqual([expect.objectContaining({ type: 'NEW_RESPONSE', data: SEED.agents.appointmentReminder })]);

		// A call by another agent is not delivered to this workflow; the reminder agent's call is.
		const otherCallId = await placeCall(SEED.contacts.averyLee, SEED.agents.salesQualifier);
		const callId = await placeCall(SEED.contacts.jordanPatel, SEED.agents.appointmentReminder);
		const deliveries = await deliveriesTo(webhookId, 1);
		expect(JSON.stringify(deliveries)).not.toContain(otherCallId);

		const [summary] = await ctx.n8n.waitForExecutions(workflow.id, 1);
		const items = nodeOutput(await ctx.n8n.getExecution(summary.id), 'Thoughtly Trigger');
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			triggerEvent: 'NEW_RESPONSE',
			callId,
			agentId: SEED.agents.appointmentReminder,
			contactId: SEED.contacts.jordanPatel,
			// The payload names the contact by ID only: looked up in Thoughtly during the delivery.
			contactName: 'Jordan Patel',
			contactPhoneNumber: '+14155550188',
			contactLookup: 'found',
			contactLookupError: null,
		});
		expect(typeof items[0].transcript).toBe('string');
		expect(items[0].transcript).toMatch(/^Agent: /);

		await ctx.n8n.deactivateWorkflow(workflow.id);
		expect(await subscriptionsFor(webhookId)).toEqual([]);
	});
});

describe('Thoughtly Trigger when Thoughtly refuses', () => {
	it('an unsubscribe: n8n still deactivates and frees the webhook, and the next activation removes the leftover', async () => {
		const { definition, webhookId } = triggerWorkflow({ events: ['NEW_RESPONSE'] });
		const workflow = await ctx.n8n.createWorkflow(definition);
		await ctx.n8n.activateWorkflow(workflow.id);
		const [leftover] = await subscriptionsFor(webhookId);
		// Every attempt at the unsubscribe fails (a DELETE is tried three times).
		await ctx.sim.injectFault({ kind: 'status', status: 503, count: 3, method: 'DELETE', path: '/webhooks/unsubscribe' });

		await ctx.n8n.deactivateWorkflow(workflow.id);

		expect(await subscriptionsFor(webhookId)).toEqual([leftover]);
		// n8n removed its own registration of the webhook: a late delivery finds nothing.
		const late = await fetch(leftover.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
		expect(late.status).toBe(404);
		expect(ctx.n8nLog()).toContain(
			`could not remove 1 Thoughtly webhook subscription(s): Call Completed at ${ctx.state.n8nUrl}/webhook/${webhookId}/webhook: `,
		);

		await ctx.sim.clearRequests();
		await ctx.n8n.activateWorkflow(workflow.id);

		const removal = (await ctx.sim.requests()).filter((r) => r.path === '/webhooks/unsubscribe');
		expect(removal.map((r) => r.body)).toEqual([{ type: 'NEW_RESPONSE', url: leftover.url }]);
		const now = await subscriptionsFor(webhookId);
		expect(now).toEqual([expect.objectContaining({ type: 'NEW_RESPONSE' })]);
		expect(now[0].url).not.toBe(leftover.url);

		await ctx.n8n.deactivateWorkflow(workflow.id);
		expect(await subscriptionsFor(webhookId)).toEqual([]);
	});

	it('an event type: activation names it and leaves nothing subscribed', async () => {
		await ctx.sim.configure({ variants: ['subscribe-spec-types'] });
		const { definition, webhookId } = triggerWorkflow({ events: ['NEW_RESPONSE', 'ACTION_FAILED'] });
		const workflow = await ctx.n8n.createWorkflow(definition);
		try {
			await expect(ctx.n8n.activateWorkflow(workflow.id)).rejects.toThrow(
				'Thoughtly does not accept the event "Action Failed" for this trigger',
			);
		} finally {
			// n8n keeps retrying a trigger that failed to activate until the workflow is unpublished.
			await ctx.n8n.deactivateWorkflow(workflow.id);
			await ctx.sim.configure({ variants: [] });
		}

		expect(await subscriptionsFor(webhookId)).toEqual([]);
		// Each of n8n's attempts tries Action Failed first; once it is refused, Call Completed is
		// not subscribed for an activation that fails anyway.
		const requests = (await ctx.sim.requests()).filter((r) => r.path.startsWith('/webhooks/'));
		expect(requests.length).toBeGreaterThanOrEqual(1);
		expect(requests.map((r) => [r.path, (r.body as { type: string }).type, r.status])).toEqual(
			requests.map(() => ['/webhooks/subscribe', 'ACTION_FAILED', 400]),
		);
	});
});
