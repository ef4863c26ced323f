/**
 * Waiting executions the way n8n 2.40's server handles them, around n8n-core's real engine:
 *
 * - an execution that a node puts to wait (`putExecutionToWait`) is stored as n8n's database
 *   stores it: its run data serialised (flatted), nothing kept in memory between steps;
 * - a request to `/webhook-waiting/<execution>/<suffix>` is handled as n8n's WaitingWebhooks
 *   does: 401 without the execution's resume token (`signature`), 409 while it runs or once it
 *   finished, then the waiting node's restart webhook (path = suffix) runs in a WebhookContext
 *   over the stored run data; when it returns no workflow data, the caller gets its answer and
 *   nothing is stored; when it does, the node is disabled, its waiting task popped, its data
 *   replaced by the webhook's items (`forwardAllOutputs`), and the execution runs on;
 * - `timeOut()` is n8n's WaitTracker at the wait's limit: the stored execution runs again as it
 *   is, and the engine itself resumes it (it disables the waiting node, which passes on its items).
 */
import { timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { parse, stringify } from 'flatted';
import { ExecutionLifecycleHooks, WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	IConnections,
	INode,
	INodeExecutionData,
	IRun,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, deepCopy } from 'n8n-workflow';

import type { N8nHarness } from './n8n';
import { prepareRequest, sendJson } from './trigger';

export interface StoredExecution {
	id: string;
	mode: WorkflowExecuteMode;
	nodes: INode[];
	connections: IConnections;
	status: IRun['status'] | 'running';
	waitTill?: Date | null;
	/** The run data as n8n's database holds it (flatted text). */
	data: string;
}

/** What one request to the waiting-webhook server came to. */
export interface WaitingRequest {
	url: string;
	status: number;
	/** Whether the node's webhook resumed the execution. */
	resumed: boolean;
	error?: Error;
}

export class WaitingExecutions {
	private readonly executions = new Map<string, StoredExecution>();

	private readonly requests: WaitingRequest[] = [];

	private readonly inflight = new Set<Promise<void>>();

	private server?: http.Server;

	private nextId = 1000;

	/** Base URL of n8n's webhooks (`http://127.0.0.1:<port>/`), once started. */
	url = '';

	constructor(readonly harness: N8nHarness) {}

	async start(): Promise<this> {
		this.server = http.createServer((req, res) => {
			const handling = this.handle(req, res).then((request) => {
				this.requests.push(request);
			});
			this.inflight.add(handling);
			void handling.finally(() => this.inflight.delete(handling));
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
		return this;
	}

	async close(): Promise<void> {
		const server = this.server;
		if (!server) return;
		server.closeAllConnections();
		await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
	}

	/** Resolves once every request received so far is handled, resumed executions included. */
	async settled(): Promise<void> {
		while (this.inflight.size > 0) await Promise.all([...this.inflight]);
	}

	handled(): WaitingRequest[] {
		return [...this.requests];
	}

	get(id: string): StoredExecution {
		const execution = this.executions.get(id);
		if (!execution) throw new Error(`No execution ${id}`);
		return execution;
	}

	/** The stored run data of an execution, decoded. */
	runData(id: string): IRunExecutionData {
		return parse(this.get(id).data) as IRunExecutionData;
	}

	/** The items a node put out in its last run. */
	output(id: string, nodeName: string): INodeExecutionData[] {
		const runs = this.runData(id).resultData.runData[nodeName] ?? [];
		return runs[runs.length - 1]?.data?.main?.[0] ?? [];
	}

	additionalData(executionId: string, mode: WorkflowExecuteMode): IWorkflowExecuteAdditionalData {
		const workflowData: IWorkflowBase = {
			id: 'wf-call-and-wait',
			name: 'Call and wait',
			active: false,
			isArchived: false,
			activeVersionId: null,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes: [],
			connections: {},
		};
		return this.harness.additionalData({
			webhookBaseUrl: this.url,
			executionId,
			hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
		});
	}

	private workflow(execution: Pick<StoredExecution, 'nodes' | 'connections'>): Workflow {
		return this.harness.workflow({
			id: 'wf-call-and-wait',
			nodes: deepCopy(execution.nodes),
			connections: deepCopy(execution.connections),
		});
	}

	/** Starts an execution at `start` with these items; stores it when it ends or waits. */
	async run(
		nodes: INode[],
		connections: IConnections,
		start: INode,
		items: INodeExecutionData[],
		mode: WorkflowExecuteMode = 'manual',
	): Promise<StoredExecution> {
		const id = String(this.nextId++);
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node: start, data: { main: [items] }, source: null }] },
		});
		const stored: StoredExecution = { id, mode, nodes, connections, status: 'running', data: '' };
		this.executions.set(id, stored);
		await this.continue(stored, runExecutionData);
		return stored;
	}

	/** n8n's WaitTracker at the limit: runs the stored execution again as it is. */
	async timeOut(id: string): Promise<StoredExecution> {
		const stored = this.get(id);
		if (stored.status !== 'waiting') throw new Error(`Execution ${id} is ${stored.status}, not waiting`);
		await this.continue(stored, parse(stored.data) as IRunExecutionData);
		return stored;
	}

	private async continue(stored: StoredExecution, runExecutionData: IRunExecutionData): Promise<void> {
		stored.status = 'running';
		const workflow = this.workflow(stored);
		const execute = new WorkflowExecute(this.additionalData(stored.id, stored.mode), stored.mode, runExecutionData);
		const run = await execute.processRunExecutionData(workflow);
		stored.status = run.status;
		stored.waitTill = run.waitTill;
		stored.data = stringify(run.data);
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<WaitingRequest> {
		const request: WaitingRequest = { url: req.url ?? '/', status: 0, resumed: false };
		try {
			await prepareRequest(req);
			const url = new URL(req.url ?? '/', 'http://localhost');
			const [, prefix, executionId, suffix] = url.pathname.split('/');
			const execution = prefix === 'webhook-waiting' ? this.executions.get(executionId) : undefined;
			if (!execution || req.method !== 'POST') {
				sendJson(res, 404, { message: `The execution "${executionId}" does not exist.` });
			} else if (!this.tokenMatches(execution, url.searchParams.get('signature'))) {
				sendJson(res, 401, { error: 'Invalid token' });
			} else if (execution.status !== 'waiting') {
				sendJson(res, 409, { message: `The execution "${executionId}" is ${execution.status}.` });
			} else {
				request.resumed = await this.runWebhook(execution, suffix, req, res);
			}
		} catch (error) {
			request.error = error as Error;
			if (!res.headersSent) sendJson(res, 500, { message: (error as Error).message });
		}
		if (!res.writableEnded) res.end();
		request.status = res.statusCode;
		return request;
	}

	private tokenMatches(execution: StoredExecution, token: string | null): boolean {
		const stored = (parse(execution.data) as IRunExecutionData).resumeToken;
		if (!token || !stored || token.length !== stored.length) return false;
		return timingSafeEqual(Buffer.from(token), Buffer.from(stored));
	}

	/** WaitingWebhooks.getWebhookExecutionData and WebhookHelpers.executeWebhook, for POST. */
	private async runWebhook(
		execution: StoredExecution,
		suffix: string | undefined,
		req: http.IncomingMessage,
		res: http.ServerResponse,
	): Promise<boolean> {
		const runExecutionData = parse(execution.data) as IRunExecutionData;
		const lastNodeExecuted = runExecutionData.resultData.lastNodeExecuted as string;
		const workflow = this.workflow(execution);
		const node = workflow.getNode(lastNodeExecuted) as INode;
		const nodeType = this.harness.types.getByNameAndVersion(node.type, node.typeVersion);
		const description = nodeType.description.webhooks?.find((w) => w.restartWebhook === true && w.httpMethod === 'POST');
		const path = description
			? String(workflow.expression.getSimpleParameterValue(node, description.path, 'internal', {}, undefined, ''))
			: undefined;
		if (!description || !nodeType.webhook || path !== decodeURIComponent(suffix ?? '')) {
			sendJson(res, 404, { message: `The workflow for execution "${execution.id}" does not contain a waiting webhook with a matching path/method.` });
			return false;
		}

		const stackEntry = runExecutionData.executionData!.nodeExecutionStack[0];
		stackEntry.node.disabled = true;
		runExecutionData.waitTill = undefined;
		runExecutionData.resultData.runData[lastNodeExecuted].pop();

		const additionalData = this.additionalData(execution.id, execution.mode);
		additionalData.httpRequest = req as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
		additionalData.httpResponse = res as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: node.name,
			path,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
		};
		const context = new WebhookContext(workflow, node, additionalData, execution.mode, webhookData, [], runExecutionData);
		let result: IWebhookResponseData;
		try {
			result = await nodeType.webhook.call(context);
		} catch (error) {
			sendJson(res, 500, { code: 0, message: 'Error in workflow' });
			throw error;
		}
		if (!result.noWebhookResponse) sendJson(res, 200, result.webhookResponse ?? { message: 'Webhook call received' });
		if (result.workflowData === undefined) return false;

		stackEntry.data.main = result.workflowData;
		stackEntry.metadata = { ...stackEntry.metadata, forwardAllOutputs: true };
		await this.continue(execution, runExecutionData);
		return true;
	}
}

/** Starts the waiting-webhook server for this harness. */
export async function startWaitingExecutions(harness: N8nHarness): Promise<WaitingExecutions> {
	return await new WaitingExecutions(harness).start();
}
