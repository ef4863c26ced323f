/**
 * The package in n8n's queue mode (scripts/lib/queue-stack.ts): Postgres, Redis, a main process,
 * a webhook process and two workers, each with the package installed as a community package.
 * The simulator is the suite's shared one. Which process ran an execution is read from the
 * workers' logs ("Worker started execution <id>"): main runs none of them.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { N8nClient, nodeOutput, type Execution, type WorkflowDefinition, type WorkflowNode } from '../../scripts/lib/n8n-client';
import { waitFor } from '../../scripts/lib/processes';
import { QueueStack } from '../../scripts/lib/queue-stack';
import { SimulatorClient } from '../simulator/client';
import { SEED } from '../simulator/seed';
import type { WebhookSubscription } from '../simulator/types';
import {
	chain,
	CREDENTIAL_TYPE,
	describeFrom,
	manualTrigger,
	OWNER,
	readState,
	simulatorCredentialData,
	thoughtlyNode,
	TRIGGER_NODE_TYPE,
	uniqueName,
	type SuiteState,
} from './harness/suite';

let state: SuiteState;
let stack: QueueStack;
let n8n: N8nClient;
let sim: SimulatorClient;
let credential: { id: string; name: string };

// How the suite sees which worker ran an execution (its log line, manual runs offloaded to
// workers) holds from n8n 1.123 (1.49 differs), so queue mode is checked from there.
describeFrom('1.123.0', 'queue mode', () => {
	beforeAll(async () => {
		state = readState();
		sim = new SimulatorClient(state.simulatorUrl);
		stack = new QueueStack({
			workDir: path.join(state.workDir, 'queue'),
			tarball: state.tarball,
			workers: 2,
			// One execution at a time per worker, so that two executions started together run on both.
			workerConcurrency: 1,
			say: (message) => process.stderr.write(`[e2e queue] ${message}\n`),
		});
		await stack.start();
		n8n = new N8nClient(stack.main.url);
		await n8n.ensureOwner(OWNER);
		const created = await n8n.createCredential('Thoughtly (queue mode)', CREDENTIAL_TYPE, simulatorCredentialData(state));
		credential = { id: created.id, name: 'Thoughtly (queue mode)' };
	}, 900_000);

	afterAll(async () => {
		await stack?.stop();
		await sim?.configure({ rateLimit: 100, windowMs: 60_000 });
	}, 300_000);

	/** Runs a saved workflow from its manual trigger (queued for a worker) and checks a worker ran it. */
	async function runOnWorker(definition: WorkflowDefinition): Promise<Execution> {
		const workflow = await n8n.createWorkflow(definition);
		const execution = await n8n.runWorkflowAndWait(workflow.id, definition.nodes[0].name, 600_000);
		expect(execution.status).toBe('success');
		expect(stack.workerThatRan(execution.id)).toBeDefined();
		return execution;
	}

	// The steps build on each other: one published workflow, its subscriptions kept between them.
	describe('the Thoughtly Trigger in queue mode', () => {
		const webhookId = randomUUID();
		let workflowId: string;

		beforeAll(async () => {
			await sim.reset();
		});

		async function subscriptions(): Promise<WebhookSubscription[]> {
			const teams = (await sim.state()).teams;
			return teams[SEED.teamId].webhooks.filter((w) => w.url.startsWith(`${stack.webhookUrl}/webhook/${webhookId}/`));
		}

		/** Places a call through the API and waits for its delivery to start one execution on a worker. */
		async function callCompletesAndRunsOnAWorker(executionsBefore: number): Promise<Execution> {
			await sim.clearDeliveries();
			const response = await fetch(`${state.simulatorUrl}/contact/call`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'x-api-token': state.apiToken, team_id: state.teamId },
				body: JSON.stringify({ contact_id: SEED.contacts.averyLee, interview_id: SEED.agents.salesQualifier }),
			});
			expect(response.status).toBe(200);
			const delivery = await waitFor('the delivery to the webhook process', async () => (await sim.deliveries())[0], 60_000);
			expect(delivery).toMatchObject({ type: 'NEW_RESPONSE', status: 200 });
			expect(delivery.url.startsWith(`${stack.webhookUrl}/webhook/${webhookId}/`)).toBe(true);
			const [newest] = await n8n.waitForExecutions(workflowId, executionsBefore + 1, 120_000);
			const execution = await n8n.getExecution(newest.id);
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('webhook');
			expect(stack.workerThatRan(execution.id)).toBeDefined();
			expect(nodeOutput(execution, 'Thoughtly Trigger')[0]).toMatchObject({ triggerEvent: 'NEW_RESPONSE' });
			return execution;
		}

		it('publishing on main subscribes once per event, at the webhook process', async () => {
			const trigger: WorkflowNode = {
				id: randomUUID(),
				name: 'Thoughtly Trigger',
				type: TRIGGER_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: { events: ['NEW_RESPONSE', 'PHONE_TRANSFER'], simplify: false },
				credentials: { [CREDENTIAL_TYPE]: credential },
			};
			const workflow = await n8n.createWorkflow({ name: uniqueName('queue trigger'), nodes: [trigger], connections: {} });
			workflowId = workflow.id;
			await n8n.activateWorkflow(workflow.id);
			expect((await subscriptions()).map((s) => s.type).sort()).toEqual(['NEW_RESPONSE', 'PHONE_TRANSFER']);
		});

		it('a delivery is accepted by the webhook process only with the secret, and runs on a worker', async () => {
			const [subscription] = await subscriptions();
			const withoutSecret = new URL(subscription.url);
			withoutSecret.searchParams.delete('secret');
			const forged = await fetch(withoutSecret, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"forged":true}' });
			expect(forged.status).toBe(401);
			expect(await n8n.listExecutions(workflowId)).toHaveLength(0);

			await callCompletesAndRunsOnAWorker(0);
			expect(stack.webhook.log()).not.toMatch(/Worker started execution/);
			expect(stack.main.log()).not.toMatch(/Worker started execution/);
		});

		it('restarting main keeps one subscription per event; restarting the webhook process keeps deliveries flowing', async () => {
			const before = await subscriptions();
			await sim.clearRequests();
			await stack.main.restart();
			await n8n.login(OWNER.email, OWNER.password);
			expect(await subscriptions()).toEqual(before);
			expect((await sim.requests()).filter((r) => r.path === '/webhooks/subscribe')).toEqual([]);

			await stack.webhook.restart();
			await callCompletesAndRunsOnAWorker((await n8n.listExecutions(workflowId)).length);
			expect(await subscriptions()).toEqual(before);
		});

		it('unpublishing removes every subscription', async () => {
			await n8n.deactivateWorkflow(workflowId);
			expect(await subscriptions()).toEqual([]);
		});
	});

	describe('the Thoughtly node in queue mode', () => {
		beforeEach(async () => {
			await sim.reset();
		});

		const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

		it('runs every resource on a worker, Return All over 500 contacts included', async () => {
			await sim.seedContacts(500);
			const once = (node: WorkflowNode): WorkflowNode => ({ ...node, executeOnce: true }) as WorkflowNode;
			let x = 0;
			const node = (name: string, parameters: Record<string, unknown>) => once(thoughtlyNode(name, parameters, credential, [(x += 220), 0]));
			const nodes = [
				manualTrigger(),
				node('Agents', { resource: 'agent', operation: 'getMany', returnAll: true, filters: {} }),
				node('Calls', { resource: 'call', operation: 'getMany', agentId: byId(SEED.agents.salesQualifier), returnAll: true, filters: {} }),
				node('Create', { resource: 'contact', operation: 'create', phoneNumber: '+14155550142', additionalFields: { name: 'Queue Mode' } }),
				node('Get', { resource: 'contact', operation: 'get', contactId: byId("={{ $('Create').item.json.id }}") }),
				node('Call', { resource: 'contact', operation: 'call', contactId: byId("={{ $('Create').item.json.id }}"), agentId: byId(SEED.agents.salesQualifier), metadata: '{}' }),
				node('Delete', { resource: 'contact', operation: 'delete', contactId: byId("={{ $('Create').item.json.id }}") }),
				node('User', { resource: 'user', operation: 'get' }),
				node('Subscribe', { resource: 'webhook', operation: 'subscribe', event: 'PHONE_TRANSFER', url: 'https://example.com/queue', data: SEED.agents.salesQualifier }),
				node('Subscriptions', { resource: 'webhook', operation: 'getMany' }),
				node('Unsubscribe', { resource: 'webhook', operation: 'unsubscribe', event: 'PHONE_TRANSFER', url: 'https://example.com/queue', data: SEED.agents.salesQualifier }),
				node('Automation', { resource: 'automation', operation: 'trigger', automationId: SEED.automations.leadIntake, payload: '{"lead":"queue"}', options: {} }),
				node('All Contacts', { resource: 'contact', operation: 'getMany', returnAll: true, filters: {} }),
			];
			const execution = await runOnWorker({ name: uniqueName('queue every resource'), nodes, connections: chain(...nodes) });

			const requests = (await sim.requests()).map((r) => `${r.method} ${r.path}`);
			const created = nodeOutput(execution, 'Create')[0];
			expect(requests.slice(0, 11)).toEqual([
				'GET /interview',
				`GET /interview/${SEED.agents.salesQualifier}/responses`,
				'POST /contact/create',
				`GET /contact/${created.id}`,
				'POST /contact/call',
				`DELETE /contact/${created.id}`,
				'GET /user',
				'POST /webhooks/subscribe',
				'GET /webhooks',
				'DELETE /webhooks/unsubscribe',
				`POST /webhook/automation/${SEED.automations.leadIntake}`,
			]);
			const total = (await sim.state()).teams[SEED.teamId].contacts.length;
			expect(total).toBeGreaterThanOrEqual(500);
			// Pages of 50 until the list ends (one more, empty, page if the total is a multiple of 50).
			const pages = requests.slice(11);
			expect(new Set(pages)).toEqual(new Set(['GET /contact']));
			expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(total / 50));
			expect(pages.length).toBeLessThanOrEqual(Math.ceil(total / 50) + 1);
			const listed = nodeOutput(execution, 'All Contacts');
			expect(listed).toHaveLength(total);
			expect(new Set(listed.map((c) => c.id)).size).toBe(total);
		});

		it('two workers creating 150 contacts each with one token create every contact exactly once', async () => {
			// Thoughtly's limit compressed tenfold: 100 requests per 6 s window, and the credential
			// set to the same rate (1,000 per minute), which each worker keeps to on its own.
			await sim.configure({ rateLimit: 100, windowMs: 6_000 });
			const fast = await n8n.createCredential('Thoughtly (queue, 1000/min)', CREDENTIAL_TYPE, { ...simulatorCredentialData(state), requestsPerMinute: 1000 });
			const workflowFor = (batch: string): WorkflowDefinition => {
				const trigger = manualTrigger();
				const items: WorkflowNode = {
					id: randomUUID(),
					name: 'Leads',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [220, 0],
					parameters: {
						jsCode: `return Array.from({ length: 150 }, (_, i) => ({ json: { name: '${batch} ' + i, phone: '+1415${batch === 'A' ? '6' : '7'}' + String(100000 + i) } }));`,
					},
				};
				const create = thoughtlyNode(
					'Create',
					{ resource: 'contact', operation: 'create', phoneNumber: '={{ $json.phone }}', additionalFields: { name: '={{ $json.name }}' } },
					{ id: fast.id, name: 'Thoughtly (queue, 1000/min)' },
					[440, 0],
				);
				return { name: uniqueName(`queue batch ${batch}`), nodes: [trigger, items, create], connections: chain(trigger, items, create) };
			};
			const [a, b] = await Promise.all([n8n.createWorkflow(workflowFor('A')), n8n.createWorkflow(workflowFor('B'))]);
			const started = Date.now();
			const ids = await Promise.all([n8n.runWorkflow(a.id, 'When clicking Execute workflow'), n8n.runWorkflow(b.id, 'When clicking Execute workflow')]);
			const executions = await Promise.all(ids.map((id) => n8n.waitForExecution(id, 600_000)));
			const seconds = (Date.now() - started) / 1000;

			for (const execution of executions) {
				expect(execution.status).toBe('success');
				expect(nodeOutput(execution, 'Create')).toHaveLength(150);
				expect(nodeOutput(execution, 'Create').filter((item) => item.error)).toEqual([]);
			}
			const workers = executions.map((execution) => stack.workerThatRan(execution.id));
			expect(workers.every(Boolean)).toBe(true);
			expect(workers[0]).not.toBe(workers[1]);
			const contacts = (await sim.state()).teams[SEED.teamId].contacts.filter((c) => /^[AB] \d+$/.test(c.name ?? ''));
			expect(contacts).toHaveLength(300);
			expect(new Set(contacts.map((c) => c.name)).size).toBe(300);
			const creates = (await sim.requests()).filter((r) => r.path === '/contact/create');
			const refused = creates.filter((r) => r.status === 429).length;
			expect(creates.filter((r) => r.status === 200)).toHaveLength(300);
			process.stderr.write(
				`[e2e queue] two workers, 300 creates at 100 per 6 s: ` +
					`${refused} answers 429, ${seconds.toFixed(1)} s (ideal ${((Math.ceil(300 / 100) - 1) * 6).toFixed(0)} s)\n`,
			);
		});
	});
});
