/**
 * Runs a webhook trigger's lifecycle and webhook handler the way n8n's server does, through
 * n8n-core's real HookContext and WebhookContext (n8n 2.40: WebhookService.createWebhookIfNotExists /
 * deleteWebhook / runWebhook, ActiveWorkflowManager.addWebhooks / deregisterWebhooks,
 * LiveWebhooks.executeWebhook):
 *
 * - `activate()` calls `checkExists` and, when it answers false, `create` (mode `trigger`);
 *   `deactivate()` calls `delete` (mode `internal`, activation `update`);
 * - the workflow's static data lives in a stand-in for n8n's database: each operation starts
 *   from a fresh Workflow built from the stored copy, and changes are stored only when the
 *   operation finished without an error (n8n saves after addWebhooks / deregisterWebhooks, which
 *   a thrown error skips);
 * - deliveries arrive at a real HTTP server (`startWebhookServer`), whose requests are given
 *   their parsed JSON body and query the way n8n's webhook server does before calling the node's
 *   `webhook()` in a WebhookContext; its answer follows n8n's rules for `noWebhookResponse`,
 *   `webhookResponse` and `workflowData` (responseMode onReceived).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import { deepCopy, NodeHelpers } from 'n8n-workflow';

import type { N8nHarness } from './n8n';

/** What one delivery to the webhook server came to. */
export interface HandledRequest {
	method: string;
	/** Path and query as received. */
	url: string;
	status: number;
	/** The items the node started an execution with; undefined when it started none. */
	items?: INodeExecutionData[];
	/** The error the node's webhook() threw, if any (n8n answers 500 then). */
	error?: Error;
}

/**
 * One trigger node in a saved workflow: its node, its static data as the database holds it, and
 * the webhook base URL n8n would build its webhook URLs from.
 *
 * With `test: true` it is the editor's "Listen for test event" instead (n8n's TestWebhooks): the
 * test webhook URL (`webhook-test/...`), mode `manual`, and static data of its own that n8n keeps
 * with the test registration rather than in the database.
 */
export class DeployedTrigger {
	/** The workflow's static data as n8n's database (or a test registration) holds it. */
	storedStaticData: IDataObject = {};

	constructor(
		readonly harness: N8nHarness,
		readonly node: INode,
		readonly webhookBaseUrl: string,
		readonly options: { test?: boolean; workflowId?: string } = {},
	) {}

	get workflowId(): string {
		return this.options.workflowId ?? 'wf-thoughtly-trigger';
	}

	get isTest(): boolean {
		return this.options.test === true;
	}

	/** A Workflow as n8n builds it for an operation: from the stored nodes and static data. */
	workflow(): Workflow {
		return this.harness.workflow({
			id: this.workflowId,
			nodes: [deepCopy(this.node)],
			active: true,
			staticData: deepCopy(this.storedStaticData),
		});
	}

	additionalData(): IWorkflowExecuteAdditionalData {
		return this.harness.additionalData({ webhookBaseUrl: this.webhookBaseUrl, webhookTestBaseUrl: this.webhookBaseUrl });
	}

	/** The node's webhook as WebhookService.getNodeWebhooks describes it. */
	webhookData(workflow: Workflow, additionalData: IWorkflowExecuteAdditionalData): IWebhookData {
		const node = workflow.getNode(this.node.name) as INode;
		const nodeType = this.harness.types.getByNameAndVersion(node.type, node.typeVersion);
		const description = nodeType.description.webhooks?.find((w) => w.name === 'default');
		if (!description) throw new Error(`${node.type} has no default webhook`);
		const path = NodeHelpers.getNodeWebhookPath(workflow.id, node, String(description.path));
		return {
			httpMethod: description.httpMethod as IWebhookData['httpMethod'],
			node: node.name,
			path,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: node.webhookId,
			...(this.isTest ? { isTest: true } : {}),
		};
	}

	/** The webhook URL n8n gives this node (production or test; no query). */
	webhookUrl(): string {
		const workflow = this.workflow();
		const additionalData = this.additionalData();
		const path = this.webhookData(workflow, additionalData).path;
		const base = this.isTest ? additionalData.webhookTestBaseUrl : additionalData.webhookBaseUrl;
		return `${base}/${path}`;
	}

	/** The path n8n's webhook server routes to this node. */
	webhookPath(): string {
		return new URL(this.webhookUrl()).pathname;
	}

	/** The node's static data as stored (what `getWorkflowStaticData('node')` returned). */
	storedNodeData(): IDataObject {
		return (this.storedStaticData[`node:${this.node.name}`] as IDataObject | undefined) ?? {};
	}

	private async runLifecycle<T>(
		operation: (workflow: Workflow, webhookData: IWebhookData) => Promise<T>,
	): Promise<T> {
		const workflow = this.workflow();
		const additionalData = this.additionalData();
		const result = await operation(workflow, this.webhookData(workflow, additionalData));
		if (workflow.staticData.__dataChanged === true) {
			const saved = deepCopy(workflow.staticData);
			delete saved.__dataChanged;
			this.storedStaticData = saved;
		}
		return result;
	}

	private method(name: 'checkExists' | 'create' | 'delete') {
		const nodeType = this.harness.types.getByNameAndVersion(this.node.type, this.node.typeVersion);
		const fn = nodeType.webhookMethods?.default?.[name];
		if (!fn) throw new Error(`${this.node.type} has no webhook method ${name}`);
		return fn;
	}

	/**
	 * Activation (or, with `test`, the start of "Listen for test event"): `checkExists`, then
	 * `create` when it answered false. Resolves with what `checkExists` said.
	 */
	async activate(): Promise<{ existed: boolean }> {
		return await this.runLifecycle(async (workflow, webhookData) => {
			const context = () =>
				this.harness.hookContext({
					workflow,
					node: workflow.getNode(this.node.name) as INode,
					webhookData,
					additionalData: webhookData.workflowExecuteAdditionalData,
					mode: this.isTest ? 'manual' : 'trigger',
					activation: this.isTest ? 'manual' : 'activate',
				});
			const existed = (await this.method('checkExists').call(context())) as boolean;
			if (!existed) await this.method('create').call(context());
			return { existed };
		});
	}

	/** Deactivation (or the end of listening for a test event): `delete`. */
	async deactivate(): Promise<void> {
		await this.runLifecycle(async (workflow, webhookData) => {
			await this.method('delete').call(
				this.harness.hookContext({
					workflow,
					node: workflow.getNode(this.node.name) as INode,
					webhookData,
					additionalData: webhookData.workflowExecuteAdditionalData,
					mode: 'internal',
					activation: 'update',
				}),
			);
		});
	}

	/**
	 * Handles one request that reached this node's webhook path, as n8n's LiveWebhooks does:
	 * workflow from the stored data, a WebhookContext over the real request and response, then
	 * n8n's answer for what the node returned. Static data is stored afterwards.
	 */
	async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<HandledRequest> {
		const handled: HandledRequest = { method: req.method ?? 'GET', url: req.url ?? '/', status: 0 };
		let result: IWebhookResponseData | undefined;
		await this.runLifecycle(async (workflow, webhookData) => {
			const node = workflow.getNode(this.node.name) as INode;
			const nodeType = this.harness.types.getByNameAndVersion(node.type, node.typeVersion);
			const additionalData = this.additionalData();
			additionalData.httpRequest = req as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
			additionalData.httpResponse = res as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
			const mode = this.isTest ? 'manual' : 'webhook';
			const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
			try {
				result = await nodeType.webhook!.call(context);
			} catch (error) {
				handled.error = error as Error;
			}
		});
		if (handled.error) {
			if (!res.headersSent) sendJson(res, 500, { code: 0, message: 'Error in workflow' });
		} else if (result?.noWebhookResponse) {
			// The node answered itself.
		} else if (result?.workflowData === undefined) {
			sendJson(res, 200, result?.webhookResponse ?? { message: 'Webhook call received' });
		} else {
			handled.items = result.workflowData[0] ?? [];
			sendJson(res, 200, { message: 'Workflow was started' });
		}
		if (!res.writableEnded) res.end();
		handled.status = res.statusCode;
		return handled;
	}
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}

/** Reads the body and gives the request what n8n's webhook server gives it before a node sees it. */
export async function prepareRequest(req: http.IncomingMessage): Promise<void> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const raw = Buffer.concat(chunks);
	const request = req as http.IncomingMessage & IDataObject;
	request.rawBody = raw;
	const contentType = String(req.headers['content-type'] ?? '');
	let body: unknown = {};
	if (raw.length > 0 && contentType.startsWith('application/json')) body = JSON.parse(raw.toString('utf8'));
	request.body = body as IDataObject;
	const query: Record<string, string | string[]> = {};
	const url = new URL(req.url ?? '/', 'http://localhost');
	for (const key of new Set(url.searchParams.keys())) {
		const values = url.searchParams.getAll(key);
		query[key] = values.length === 1 ? values[0] : values;
	}
	request.query = query;
	request.params = {};
}

export interface WebhookServer {
	/** e.g. http://127.0.0.1:41234/ — use as the harness's webhook base URL. */
	url: string;
	/** Routes requests for this trigger's webhook path to it. */
	register(trigger: DeployedTrigger): void;
	/** Every request handled, in order. */
	handled(): HandledRequest[];
	/** Items of every execution started, in order. */
	executions(): INodeExecutionData[][];
	clear(): void;
	close(): Promise<void>;
}

/** A real HTTP server standing in for n8n's webhook server, on 127.0.0.1. */
export async function startWebhookServer(): Promise<WebhookServer> {
	const triggers = new Map<string, DeployedTrigger>();
	let handled: HandledRequest[] = [];
	const server = http.createServer((req, res) => {
		void (async () => {
			const path = new URL(req.url ?? '/', 'http://localhost').pathname;
			const trigger = triggers.get(path);
			await prepareRequest(req);
			if (!trigger || req.method !== 'POST') {
				sendJson(res, 404, { code: 404, message: `The requested webhook "${req.method} ${path}" is not registered.` });
				handled.push({ method: req.method ?? 'GET', url: req.url ?? '/', status: 404 });
				return;
			}
			handled.push(await trigger.handle(req, res));
		})().catch((error: Error) => {
			if (!res.headersSent) sendJson(res, 500, { message: error.message });
			handled.push({ method: req.method ?? 'GET', url: req.url ?? '/', status: 500, error });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		register: (trigger) => triggers.set(trigger.webhookPath(), trigger),
		handled: () => [...handled],
		executions: () => handled.filter((h) => h.items !== undefined).map((h) => h.items as INodeExecutionData[]),
		clear: () => {
			handled = [];
		},
		close: async () =>
			await new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}
