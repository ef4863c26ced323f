/** Shared set-up for the Thoughtly Trigger tests: simulator, n8n harness, webhook server. */
import type { INode, INodeCredentialsDetails, INodeParameters } from 'n8n-workflow';

import type { SimulatorHandle } from '../../simulator';
import { SEED, startSimulator } from '../../simulator';
import type { N8nHarness } from '../../helpers/n8n';
import { startN8n } from '../../helpers/n8n';
import type { WebhookServer } from '../../helpers/trigger';
import { DeployedTrigger, startWebhookServer } from '../../helpers/trigger';

export { SEED };

/** The webhookId n8n's editor gives a new trigger node (a UUID). */
export const WEBHOOK_ID = '5b3f2c1e-8d4a-4f6b-9e2d-7a1c0b9e4f30';

export interface DeployOptions {
	credentials?: INodeCredentialsDetails;
	webhookBaseUrl?: string;
}

export interface TriggerEnv {
	sim: SimulatorHandle;
	harness: N8nHarness;
	server: WebhookServer;
	/** Team one's credential, pointed at the simulator. */
	credentials: INodeCredentialsDetails;
	/** A trigger node in a saved workflow whose webhook URLs lead to `server`. */
	deploy(parameters: INodeParameters, options?: DeployOptions): DeployedTrigger;
	/** The editor's "Listen for test event" for the same node as `trigger`. */
	listenForTestEvent(trigger: DeployedTrigger): DeployedTrigger;
	close(): Promise<void>;
}

export async function startTriggerEnv(): Promise<TriggerEnv> {
	// No call completes by itself: tests complete calls when they choose (no timing involved).
	const sim = await startSimulator({ port: 0, rateLimit: 100_000, callCompletionDelayMs: 3_600_000 });
	const harness = await startN8n();
	const server = await startWebhookServer();
	const credentials = await harness.addCredentials('thoughtlyApi', {
		apiToken: sim.apiToken,
		teamId: sim.teamId,
		baseUrl: sim.url,
		requestsPerMinute: 100_000,
	});
	return {
		sim,
		harness,
		server,
		credentials,
		deploy(parameters, options = {}) {
			const node: INode = {
				...harness.node({
					type: 'thoughtlyTrigger',
					parameters,
					credentials: { thoughtlyApi: options.credentials ?? credentials },
				}),
				webhookId: WEBHOOK_ID,
			};
			const trigger = new DeployedTrigger(harness, node, options.webhookBaseUrl ?? server.url);
			server.register(trigger);
			return trigger;
		},
		listenForTestEvent(trigger) {
			const listener = new DeployedTrigger(harness, trigger.node, trigger.webhookBaseUrl, { test: true });
			server.register(listener);
			return listener;
		},
		async close() {
			await server.close();
			await sim.stop();
		},
	};
}

/**
 * Registers beforeAll/afterAll/beforeEach hooks and returns the environment, filled in once
 * beforeAll has run. The simulator and the webhook server are cleared before every test.
 */
export function useTriggerEnv(): TriggerEnv {
	const env = {} as TriggerEnv;
	beforeAll(async () => {
		Object.assign(env, await startTriggerEnv());
	});
	afterAll(async () => {
		await env.close?.();
	});
	beforeEach(() => {
		env.sim.reset();
		env.server.clear();
	});
	return env;
}

/** A JSON value as plain objects (the simulator's parsed bodies are not plain objects). */
export function plain<T>(value: T): T {
	return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** Calls the simulator's Thoughtly API directly, as another Thoughtly client would. */
export async function thoughtlyApi(
	sim: SimulatorHandle,
	method: string,
	path: string,
	body?: unknown,
): Promise<{ status: number; body: any }> {
	const response = await fetch(`${sim.url}${path}`, {
		method,
		headers: {
			'x-api-token': sim.apiToken,
			team_id: sim.teamId,
			...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, body: await response.json() };
}

/** An agent resource locator value as the editor stores it ("From List"). */
export function agentFromList(agentId: string) {
	return { __rl: true, mode: 'list', value: agentId, cachedResultName: 'Sales Qualifier' };
}
