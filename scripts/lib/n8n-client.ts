/**
 * n8n's own REST API (the one its editor uses), as far as the project needs it: owner set-up
 * and login, credentials and n8n's credential test, workflows (create, update, run,
 * publish/unpublish), executions (decoded from n8n's "flatted" encoding), node and
 * credential types, and the community-package installer.
 *
 * It speaks to n8n 2.x and 1.x; where their APIs differ, it follows the server's own version
 * (`versionCli` in `GET /rest/settings`).
 *
 * Facts about n8n 2.40.7 this relies on:
 * - Every `/rest/...` answer wraps its payload as `{ "data": ... }`; errors are `{ "message" }`.
 * - `POST /rest/owner/setup` creates the owner once and answers with the `n8n-auth` cookie;
 *   afterwards `POST /rest/login` with `emailOrLdapLoginId` and `password` does.
 * - Activating a workflow is publishing a version of it: `POST /rest/workflows/:id/activate`
 *   with its `versionId`, carried out in the background; `GET .../publication-status` says
 *   `in_progress`, then `published`, `partial` or `failed` (with each trigger's error), and
 *   `not_published` once `POST .../deactivate` is through.
 * - `POST /rest/workflows/:id/run` with `triggerToStartFrom` starts a manual execution and
 *   answers with its id at once; the execution is read from `GET /rest/executions/:id`.
 *
 * How n8n 1.x (1.123.81, and 1.49.0 as far as used here) differs:
 * - There is no publication: `PATCH /rest/workflows/:id` with `active` and the current
 *   `versionId` activates or deactivates, synchronously; a trigger that cannot be activated
 *   makes the PATCH fail with its message. `active` on the workflow says whether it is live.
 * - `POST /rest/workflows/:id/run` takes the workflow itself (`workflowData`).
 * - `POST /rest/credentials/test` tests saved credentials only.
 * - Before 1.x's later versions, login reads `email` instead of `emailOrLdapLoginId`.
 */
import { parse as parseFlatted } from 'flatted';
import { StopWaiting, waitFor } from './processes';

export class N8nApiError extends Error {
	constructor(
		readonly method: string,
		readonly path: string,
		readonly status: number,
		readonly body: unknown,
	) {
		const message =
			body && typeof body === 'object' && 'message' in body ? String((body as { message: unknown }).message) : JSON.stringify(body);
		super(`n8n ${method} ${path} answered ${status}: ${message}`);
	}
}

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export interface CredentialSummary {
	id: string;
	name: string;
	type: string;
}

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	disabled?: boolean;
}

export interface WorkflowDefinition {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	pinData?: Record<string, unknown>;
	meta?: Record<string, unknown>;
	tags?: unknown[];
}

export interface Workflow extends WorkflowDefinition {
	id: string;
	versionId: string;
	active: boolean;
	activeVersionId?: string | null;
}

export interface PublicationStatus {
	status: 'in_progress' | 'published' | 'partial' | 'failed' | 'not_published';
	liveVersionId: string | null;
	pendingVersionId: string | null;
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	startedAt: string;
	stoppedAt: string | null;
}

/** One item a node put out: `json` plus, for errors, `error`. */
export interface ExecutionItem {
	json: Record<string, any>;
	pairedItem?: unknown;
	error?: unknown;
}

export interface NodeRun {
	startTime: number;
	executionStatus?: string;
	error?: { message: string; description?: string; httpCode?: string; [key: string]: unknown };
	data?: { main?: Array<ExecutionItem[] | null> };
}

export interface Execution extends ExecutionSummary {
	finished: boolean;
	/** The decoded run data: `resultData.runData[nodeName]` lists each run of a node. */
	data: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			error?: { message: string; [key: string]: unknown };
			lastNodeExecuted?: string;
		};
	};
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	credentials?: Array<{ name: string; required?: boolean }>;
	properties: Array<{ name: string; [key: string]: unknown }>;
	webhooks?: unknown[];
	group: string[];
	[key: string]: unknown;
}

export interface CredentialTypeDescription {
	name: string;
	displayName: string;
	properties: Array<{ name: string; [key: string]: unknown }>;
	supportedNodes?: string[];
	[key: string]: unknown;
}

export interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	installedNodes: Array<{ name: string; type: string; latestVersion: number }>;
	failedLoading?: boolean;
}

const FINISHED_STATUSES = new Set(['success', 'error', 'crashed', 'canceled']);

/**
 * fetch, sent once more when it failed on a kept-alive connection that n8n closed (after its
 * 5 s keep-alive timeout) just as the request went out: n8n never saw that request.
 */
export async function fetchOnFreshConnection(url: string, init: RequestInit): Promise<Response> {
	try {
		return await fetch(url, init);
	} catch (error) {
		const code = (error as { cause?: { code?: string } }).cause?.code;
		if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw error;
		return await fetch(url, init);
	}
}

export class N8nClient {
	readonly baseUrl: string;
	private cookie?: string;
	private serverVersion?: string;

	constructor(baseUrl: string) {
		this.baseUrl = baseUrl.replace(/\/+$/, '');
	}

	/** Calls `/rest<path>` (or `path` as is when it starts with `/types/` or `/healthz`) and unwraps `data`. */
	async request<T>(method: string, path: string, body?: unknown): Promise<T> {
		const url = /^\/(types|healthz|webhook)/.test(path) ? `${this.baseUrl}${path}` : `${this.baseUrl}/rest${path}`;
		const response = await fetchOnFreshConnection(url, {
			method,
			headers: {
				...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
				...(this.cookie ? { Cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		for (const header of setCookie) {
			const match = /^n8n-auth=([^;]*)/.exec(header);
			if (match) this.cookie = match[1] ? `n8n-auth=${match[1]}` : undefined;
		}
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// Not JSON (an HTML error page, say): reported as text below.
		}
		if (!response.ok) throw new N8nApiError(method, path, response.status, parsed);
		if (parsed && typeof parsed === 'object' && 'data' in parsed && !/^\/types\//.test(path)) {
			return (parsed as { data: T }).data;
		}
		return parsed as T;
	}

	/** The settings the editor reads before login; tells whether the owner is set up yet. */
	async settings(): Promise<{ userManagement: { showSetupOnFirstLoad?: boolean }; communityNodesEnabled?: boolean }> {
		return await this.request('GET', '/settings');
	}

	async setupOwner(owner: Owner): Promise<void> {
		await this.request('POST', '/owner/setup', owner);
	}

	async login(email: string, password: string): Promise<void> {
		// Each n8n reads the field it knows and drops the other.
		await this.request('POST', '/login', { emailOrLdapLoginId: email, email, password });
	}

	/** The server's own n8n version, e.g. "1.123.81". n8n tells it only once logged in. */
	async version(): Promise<string> {
		this.serverVersion ??= (await this.request<{ versionCli?: string }>('GET', '/settings')).versionCli;
		if (!this.serverVersion) throw new Error('n8n tells its version only once logged in: log in first');
		return this.serverVersion;
	}

	/** The server's major version: 1 or 2. */
	async major(): Promise<number> {
		return Number((await this.version()).split('.')[0]);
	}

	/**
	 * Sets the owner up on a new instance, or logs in on one set up before. Answers whether the
	 * owner was created now.
	 */
	async ensureOwner(owner: Owner): Promise<boolean> {
		const settings = await this.settings();
		if (settings.userManagement.showSetupOnFirstLoad) {
			await this.setupOwner(owner);
			return true;
		}
		await this.login(owner.email, owner.password);
		return false;
	}

	// Credentials ---------------------------------------------------------------------------

	async listCredentials(): Promise<CredentialSummary[]> {
		return await this.request('GET', '/credentials');
	}

	async createCredential(name: string, type: string, data: Record<string, unknown>): Promise<CredentialSummary> {
		return await this.request('POST', '/credentials', { name, type, data });
	}

	async updateCredential(id: string, name: string, type: string, data: Record<string, unknown>): Promise<CredentialSummary> {
		return await this.request('PATCH', `/credentials/${id}`, { name, type, data });
	}

	async deleteCredential(id: string): Promise<void> {
		await this.request('DELETE', `/credentials/${id}`);
	}

	/** n8n's "Test" button: runs the credential type's `test` request with these values. */
	async testCredential(
		type: string,
		data: Record<string, unknown>,
		existing?: { id: string; name: string },
	): Promise<CredentialTestResult> {
		if (!existing && (await this.major()) < 2) {
			// n8n 1.x tests saved credentials only (its editor saves before testing): save one for the test.
			const saved = await this.createCredential(`${type} under test`, type, data);
			try {
				return await this.testCredential(type, data, saved);
			} finally {
				await this.deleteCredential(saved.id);
			}
		}
		return await this.request('POST', '/credentials/test', {
			credentials: { id: existing?.id ?? '', name: existing?.name ?? '', type, data },
		});
	}

	// Node and credential types ---------------------------------------------------------------

	/** Every node type the editor lists (the same file the editor loads). */
	async nodeTypes(): Promise<NodeTypeDescription[]> {
		return await this.request('GET', '/types/nodes.json');
	}

	async credentialTypes(): Promise<CredentialTypeDescription[]> {
		return await this.request('GET', '/types/credentials.json');
	}

	/** Full descriptions of the given node types, as the editor asks for them. */
	async nodeTypeDescriptions(nodeInfos: Array<{ name: string; version: number }>): Promise<NodeTypeDescription[]> {
		return await this.request('POST', '/node-types', { nodeInfos });
	}

	// Workflows -------------------------------------------------------------------------------

	async listWorkflows(): Promise<Workflow[]> {
		return await this.request('GET', '/workflows');
	}

	async getWorkflow(id: string): Promise<Workflow> {
		return await this.request('GET', `/workflows/${id}`);
	}

	async createWorkflow(definition: WorkflowDefinition): Promise<Workflow> {
		return await this.request('POST', '/workflows', { settings: {}, ...definition, active: false });
	}

	/** n8n 2.x only: where publishing the workflow stands. */
	async publicationStatus(id: string): Promise<PublicationStatus> {
		return await this.request('GET', `/workflows/${id}/publication-status`);
	}

	/** True when the workflow is active (2.x: published) with its triggers set up. */
	async isLive(id: string): Promise<boolean> {
		if ((await this.major()) < 2) return (await this.getWorkflow(id)).active;
		return (await this.publicationStatus(id)).status === 'published';
	}

	/**
	 * Publishes (activates) a version of the workflow (by default its current one) and waits
	 * until n8n has set up its triggers. Throws with n8n's message when a trigger could not be
	 * activated.
	 */
	async activateWorkflow(id: string, options: { versionId?: string; timeoutMs?: number } = {}): Promise<void> {
		const versionId = options.versionId ?? (await this.getWorkflow(id)).versionId;
		const timeoutMs = options.timeoutMs ?? 60_000;
		if ((await this.major()) < 2) {
			await this.request('PATCH', `/workflows/${id}`, { active: true, versionId });
			return;
		}
		await this.request('POST', `/workflows/${id}/activate`, { versionId });
		await waitFor(
			`workflow ${id} to be published`,
			async () => {
				const current = await this.publicationStatus(id);
				if (current.status === 'in_progress') return undefined;
				if (current.status === 'published' && current.liveVersionId === versionId) return current;
				if (current.status === 'failed' || current.status === 'partial') {
					const reasons = current.triggers.map((t) => t.errorMessage).filter(Boolean).join('; ');
					throw new StopWaiting(`n8n could not activate workflow ${id} (${current.status}): ${reasons}`);
				}
				return undefined;
			},
			timeoutMs,
		);
	}

	/** Unpublishes (deactivates) the workflow and waits until n8n has removed its triggers. */
	async deactivateWorkflow(id: string, timeoutMs = 60_000): Promise<void> {
		if ((await this.major()) < 2) {
			await this.request('PATCH', `/workflows/${id}`, { active: false, versionId: (await this.getWorkflow(id)).versionId });
			return;
		}
		await this.request('POST', `/workflows/${id}/deactivate`, {});
		await waitFor(
			`workflow ${id} to be unpublished`,
			async () => ((await this.publicationStatus(id)).status === 'not_published' ? true : undefined),
			timeoutMs,
		);
	}

	/** Starts a manual run from the named trigger node; returns the execution id. */
	async runWorkflow(id: string, triggerNodeName: string): Promise<string> {
		const body: Record<string, unknown> = { triggerToStartFrom: { name: triggerNodeName } };
		if ((await this.major()) < 2) body.workflowData = await this.getWorkflow(id);
		const result = await this.request<{ executionId?: string; waitingForWebhook?: boolean }>('POST', `/workflows/${id}/run`, body);
		if (!result.executionId) throw new Error(`n8n did not start workflow ${id}: ${JSON.stringify(result)}`);
		return result.executionId;
	}

	/** Runs the workflow manually and waits for the execution to finish. */
	async runWorkflowAndWait(id: string, triggerNodeName: string, timeoutMs = 120_000): Promise<Execution> {
		const executionId = await this.runWorkflow(id, triggerNodeName);
		return await this.waitForExecution(executionId, timeoutMs);
	}

	// Executions ------------------------------------------------------------------------------

	async listExecutions(workflowId?: string): Promise<ExecutionSummary[]> {
		const filter = workflowId ? `?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}` : '';
		const result = await this.request<{ results: ExecutionSummary[] }>('GET', `/executions${filter}`);
		return result.results;
	}

	/**
	 * One execution with its run data decoded from n8n's flatted encoding. n8n 1.x on SQLite
	 * writes a finished execution's status before its run data: a finished execution is read
	 * again until its result is there.
	 */
	async getExecution(id: string): Promise<Execution> {
		return await waitFor(
			`execution ${id}'s run data`,
			async () => {
				const raw = await this.request<Omit<Execution, 'data'> & { data?: string }>('GET', `/executions/${id}`);
				const data = typeof raw.data === 'string' ? parseFlatted(raw.data) : undefined;
				if (FINISHED_STATUSES.has(raw.status) && !data?.resultData) return undefined;
				return { ...raw, data };
			},
			30_000,
			200,
		);
	}

	async waitForExecution(id: string, timeoutMs = 120_000): Promise<Execution> {
		return await waitFor(
			`execution ${id} to finish`,
			async () => {
				const execution = await this.getExecution(id);
				return FINISHED_STATUSES.has(execution.status) ? execution : undefined;
			},
			timeoutMs,
			300,
		);
	}

	/** Waits until the workflow has at least `count` finished executions; returns them newest first. */
	async waitForExecutions(workflowId: string, count: number, timeoutMs = 60_000): Promise<ExecutionSummary[]> {
		return await waitFor(
			`${count} finished execution(s) of workflow ${workflowId}`,
			async () => {
				const executions = (await this.listExecutions(workflowId)).filter((e) => FINISHED_STATUSES.has(e.status));
				return executions.length >= count ? executions : undefined;
			},
			timeoutMs,
			300,
		);
	}

	// Community packages ----------------------------------------------------------------------

	/** What Settings → Community Nodes → Install does. */
	async installCommunityPackage(name: string, version?: string): Promise<InstalledPackage> {
		return await this.request('POST', '/community-packages', version ? { name, version } : { name });
	}

	async listCommunityPackages(): Promise<InstalledPackage[]> {
		return await this.request('GET', '/community-packages');
	}
}

/** The items a node put out on its first output in its last run. */
export function nodeOutput(execution: Execution, nodeName: string, outputIndex = 0): Array<Record<string, any>> {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs || runs.length === 0) {
		const ran = Object.keys(execution.data.resultData.runData).join(', ');
		const error = execution.data.resultData.error?.message;
		throw new Error(`node "${nodeName}" did not run (ran: ${ran || 'nothing'}${error ? `; error: ${error}` : ''})`);
	}
	const run = runs[runs.length - 1];
	return (run.data?.main?.[outputIndex] ?? []).map((item) => item.json);
}
