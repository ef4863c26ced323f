/**
 * The Thoughtly simulator: a plain node:http server that serves the twelve operations of
 * spec/openapi.yml with Thoughtly's envelope, authentication, validation, rate limit and
 * webhook deliveries, plus a control surface under /__simulator/ for tests.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { Deliverer } from './delivery';
import { buildPayload, isFolderEvent } from './payloads';
import { AGENT_SCRIPTS, DEFAULT_SCRIPT, SEED, bulkContact, playScript, scriptDuration, seedTeams } from './seed';
import { type ApiSpec, type Issue, type Operation, isObject, loadSpec } from './spec';
import {
	EVENT_TYPES,
	type Agent,
	type Call,
	type CompletedCall,
	type Contact,
	type DeliverRequest,
	type Delivery,
	type EventType,
	type Fault,
	type FaultKind,
	type LoggedRequest,
	type PayloadShape,
	type QueryValue,
	type SimulatorConfig,
	type SimulatorInfo,
	type SimulatorOptions,
	type SimulatorState,
	type TeamState,
	type Variant,
	VARIANTS,
	type WebhookSubscription,
} from './types';

const FAULT_KINDS: FaultKind[] = ['status', 'hang', 'drop', 'malformed', 'html', 'envelope-error', 'delay'];
/** The subscribe enum of openapi.yml, which the `subscribe-spec-types` variant enforces. */
const SPEC_SUBSCRIBE_TYPES: EventType[] = ['NEW_RESPONSE', 'PHONE_TRANSFER'];
const CONTACT_SORT_FIELDS: Record<string, keyof Contact> = {
	name: 'name',
	email: 'email',
	phone_number: 'phone_number',
	country_code: 'country_code',
	created_at: 'created_at',
	updated_at: 'updated_at',
	createdAt: 'created_at',
	updatedAt: 'updated_at',
};

/** An answer in Thoughtly's error envelope. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details?: Issue[],
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

/** A refused control request (plain JSON, no envelope). */
export class ControlError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

function validationError(issues: Issue[]): ApiError {
	const message = issues.map((i) => `${i.field} ${i.message}`).join('; ');
	return new ApiError(400, 'VALIDATION_ERROR', message, issues);
}

function notFound(what: string, id: string, field?: string): ApiError {
	const message = field ? `${field}: ${what.toLowerCase()} ${id} not found` : `${what} ${id} not found`;
	return new ApiError(404, 'NOT_FOUND', message, field ? [{ field, message: `no ${what.toLowerCase()} with this ID` }] : undefined);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function parseQuery(params: URLSearchParams): Record<string, QueryValue> {
	const query: Record<string, QueryValue> = {};
	for (const [key, value] of params) {
		const existing = query[key];
		if (existing === undefined) query[key] = value;
		else if (Array.isArray(existing)) existing.push(value);
		else query[key] = [existing, value];
	}
	return query;
}

function readBody(req: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function tryJson(raw: string): unknown {
	if (!raw.trim()) return undefined;
	try {
		return JSON.parse(raw);
	} catch {
		return undefined;
	}
}

function clone<T>(value: T): T {
	return structuredClone(value);
}

function paginate<T>(items: T[], values: Record<string, unknown>, ignorePage = false): T[] {
	const page = ignorePage ? 0 : ((values.page as number | undefined) ?? 0);
	const limit = (values.limit as number | undefined) ?? 20;
	return items.slice(page * limit, page * limit + limit);
}

function includesText(haystack: Array<string | undefined>, needle: string): boolean {
	const lower = needle.toLowerCase();
	return haystack.some((value) => value !== undefined && value.toLowerCase().includes(lower));
}

function compareValues(a: unknown, b: unknown): number {
	// Records missing the sort field go last whatever the direction.
	if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
	if (b === undefined || b === null) return -1;
	return String(a).localeCompare(String(b));
}

function normaliseData(data: unknown): string | undefined {
	return typeof data === 'string' && data !== '' ? data : undefined;
}

function publicSubscription(webhook: WebhookSubscription): Record<string, unknown> {
	const result: Record<string, unknown> = { id: webhook.id, type: webhook.type, url: webhook.url };
	if (webhook.data !== undefined) result.data = webhook.data;
	result.created_at = webhook.created_at;
	return result;
}

interface PendingFault extends Fault {
	count: number;
}

interface Window {
	start: number;
	count: number;
}

export class Simulator {
	readonly spec: ApiSpec;
	url = '';
	private teams: Record<string, TeamState>;
	private config: SimulatorConfig;
	private readonly server: http.Server;
	private readonly sockets = new Set<Socket>();
	private readonly deliverer = new Deliverer();
	private readonly completionTimers = new Map<string, NodeJS.Timeout>();
	private readonly windows = new Map<string, Window>();
	private log: LoggedRequest[] = [];
	private deliveryLog: Delivery[] = [];
	private faults: PendingFault[] = [];
	private counter = 0;
	private bulkCount = 0;
	private deliveryWaiters: Array<() => void> = [];

	constructor(private readonly options: SimulatorOptions = {}) {
		this.spec = loadSpec();
		this.config = {
			rateLimit: options.rateLimit ?? 100,
			windowMs: options.windowMs ?? 60_000,
			callCompletionDelayMs: options.callCompletionDelayMs ?? 1000,
			payloadShape: options.payloadShape ?? 'catalog',
			deliveryTimeoutMs: options.deliveryTimeoutMs ?? 5000,
			variants: [...(options.variants ?? [])],
		};
		this.checkConfig(this.config);
		this.teams = seedTeams(options.extraContacts ?? 0);
		this.bulkCount = options.extraContacts ?? 0;
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((error) => {
				this.say(`internal error: ${error?.stack ?? error}`);
				if (!res.headersSent) this.sendJson(res, 500, { data: null, error: { message: 'Internal simulator error', code: 'INTERNAL_ERROR' } });
			});
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	async listen(): Promise<string> {
		const host = this.options.host ?? '127.0.0.1';
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		const address = this.server.address() as AddressInfo;
		const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
		this.url = `http://${shownHost}:${address.port}`;
		return this.url;
	}

	/** Closes the server, dropping open (also hanging) connections and pending work. */
	async stop(): Promise<void> {
		this.clearTimers();
		this.deliverer.stop();
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		await closed;
	}

	// ---- control API (in-process; the HTTP control surface calls the same methods) ----

	info(): SimulatorInfo {
		return {
			url: this.url,
			apiToken: SEED.apiToken,
			teamId: SEED.teamId,
			otherTeam: { apiToken: SEED.otherTeam.apiToken, teamId: SEED.otherTeam.teamId },
			config: { ...this.config },
		};
	}

	reset(): void {
		this.clearTimers();
		this.teams = seedTeams(this.options.extraContacts ?? 0);
		this.bulkCount = this.options.extraContacts ?? 0;
		this.counter = 0;
		this.log = [];
		this.deliveryLog = [];
		this.faults = [];
		this.windows.clear();
	}

	requests(): LoggedRequest[] {
		return clone(this.log);
	}

	clearRequests(): void {
		this.log = [];
	}

	deliveries(): Delivery[] {
		return clone(this.deliveryLog);
	}

	clearDeliveries(): void {
		this.deliveryLog = [];
	}

	state(): SimulatorState {
		return clone({
			teams: this.teams,
			config: this.config,
			faults: this.faults,
			pendingCompletions: [...this.completionTimers.keys()],
		});
	}

	configure(changes: Partial<SimulatorConfig>): SimulatorConfig {
		if (!isObject(changes)) throw new ControlError(400, 'configure takes an object');
		const allowed = Object.keys(this.config);
		for (const key of Object.keys(changes)) {
			if (!allowed.includes(key)) throw new ControlError(400, `unknown option ${key} (allowed: ${allowed.join(', ')})`);
		}
		const next = { ...this.config, ...changes };
		this.checkConfig(next);
		if (next.rateLimit !== this.config.rateLimit || next.windowMs !== this.config.windowMs) this.windows.clear();
		this.config = next;
		return { ...this.config };
	}

	injectFault(fault: Fault): Fault[] {
		if (!isObject(fault) || !FAULT_KINDS.includes(fault.kind)) {
			throw new ControlError(400, `fault kind must be one of ${FAULT_KINDS.join(', ')}`);
		}
		const count = fault.count ?? 1;
		if (!Number.isInteger(count) || count < 1) throw new ControlError(400, 'fault count must be a positive integer');
		if (fault.status !== undefined && (!Number.isInteger(fault.status) || fault.status < 400 || fault.status > 599)) {
			throw new ControlError(400, 'fault status must be an HTTP error status (400-599)');
		}
		if (fault.retryAfter !== undefined && (typeof fault.retryAfter !== 'number' || fault.retryAfter < 0)) {
			throw new ControlError(400, 'fault retryAfter must be a number of seconds');
		}
		if (fault.delayMs !== undefined && (typeof fault.delayMs !== 'number' || !(fault.delayMs >= 0))) {
			throw new ControlError(400, 'fault delayMs must be a number of milliseconds');
		}
		const after = fault.after ?? 0;
		if (!Number.isInteger(after) || after < 0) throw new ControlError(400, 'fault after must be a non-negative integer');
		this.faults.push({ ...fault, count });
		return clone(this.faults);
	}

	clearFaults(): void {
		this.faults = [];
	}

	/** Adds `n` generated contacts to team one; the same n-th contact every run. */
	seedContacts(n: number): Contact[] {
		if (!Number.isInteger(n) || n < 0) throw new ControlError(400, 'contacts must be a non-negative integer');
		const team = this.teams[SEED.teamId];
		const added: Contact[] = [];
		for (let i = 0; i < n; i++) {
			this.bulkCount += 1;
			const contact = bulkContact(this.bulkCount);
			team.contacts.push(contact);
			added.push(contact);
		}
		return clone(added);
	}

	/** Completes a queued call now: plays the agent's script, then delivers NEW_RESPONSE. */
	async completeCall(id: string): Promise<CompletedCall> {
		const found = this.findCall(id);
		if (!found) throw new ControlError(404, `call ${id} not found`);
		const { team, call } = found;
		if (call.status !== 'queued') throw new ControlError(409, `call ${id} is already ${call.status}`);
		const timer = this.completionTimers.get(id);
		if (timer) clearTimeout(timer);
		this.completionTimers.delete(id);
		const agent = team.agents.find((a) => a.id === call.interview_id)!;
		const contact = team.contacts.find((c) => c.id === call.contact_id);
		const script = AGENT_SCRIPTS[agent.id] ?? DEFAULT_SCRIPT;
		// The call ends now, so it started as long ago as the script runs.
		const endedAt = Date.now();
		const played = playScript(script, contact, call.metadata, new Date(endedAt - scriptDuration(script) * 1000));
		Object.assign(call, {
			status: script.status,
			outcome: script.outcome,
			duration_seconds: played.durationSeconds,
			recording_url: `https://recordings.thoughtly.com/${call.id}.mp3`,
			transcript: played.transcript,
			tags: [...script.tags],
			started_at: new Date(endedAt - played.durationSeconds * 1000).toISOString(),
			ended_at: played.endedAt.toISOString(),
			updated_at: played.endedAt.toISOString(),
		});
		this.say(`call ${call.id} completed (${call.status}/${call.outcome})`);
		const deliveries = [
			...(await this.fanOut(team, 'NEW_RESPONSE', agent, call, contact)),
			...(await this.fanOut(team, 'FOLDER_NEW_RESPONSE', agent, call, contact)),
		];
		return { call: clone(call), deliveries };
	}

	/** Delivers one event of any type now to every matching subscriber. */
	async deliver(request: DeliverRequest): Promise<Delivery[]> {
		if (!isObject(request) || !EVENT_TYPES.includes(request.type)) {
			throw new ControlError(400, `type must be one of ${EVENT_TYPES.join(', ')}`);
		}
		if (request.shape !== undefined && request.shape !== 'catalog' && request.shape !== 'legacy') {
			throw new ControlError(400, 'shape must be catalog or legacy');
		}
		const { team, agent, call } = this.eventSource(request);
		const contact = team.contacts.find((c) => c.id === call.contact_id);
		return this.fanOut(team, request.type, agent, call, contact, request.shape, request.payload);
	}

	/** Resolves once at least `count` deliveries have been recorded (since the last reset). */
	async waitForDeliveries(count: number, timeoutMs = 5000): Promise<Delivery[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.deliveryLog.length < count) {
			const left = deadline - Date.now();
			if (left <= 0) {
				throw new Error(`expected ${count} webhook deliveries within ${timeoutMs} ms, got ${this.deliveryLog.length}`);
			}
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				timer.unref();
				this.deliveryWaiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
		return this.deliveries();
	}

	// ---- internals ----

	private checkConfig(config: SimulatorConfig): void {
		const positive = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0;
		if (!positive(config.rateLimit) || !Number.isInteger(config.rateLimit)) throw new ControlError(400, 'rateLimit must be a positive integer');
		if (!positive(config.windowMs)) throw new ControlError(400, 'windowMs must be a positive number');
		if (!(typeof config.callCompletionDelayMs === 'number' && config.callCompletionDelayMs >= 0)) {
			throw new ControlError(400, 'callCompletionDelayMs must be a number >= 0');
		}
		if (config.payloadShape !== 'catalog' && config.payloadShape !== 'legacy') {
			throw new ControlError(400, 'payloadShape must be catalog or legacy');
		}
		if (!positive(config.deliveryTimeoutMs)) throw new ControlError(400, 'deliveryTimeoutMs must be a positive number');
		if (!Array.isArray(config.variants) || config.variants.some((v) => !VARIANTS.includes(v))) {
			throw new ControlError(400, `variants must be a list of ${VARIANTS.join(', ')}`);
		}
	}

	private has(variant: Variant): boolean {
		return this.config.variants.includes(variant);
	}

	/** One page of a list as Thoughtly may answer it: `{ [key]: page, total }` unless a variant says otherwise. */
	private listAnswer<T>(key: string, all: T[], q: Record<string, unknown>): unknown {
		const page = clone(paginate(all, q, this.has('ignore-page')));
		if (this.has('bare-lists')) return page;
		if (this.has('count-is-page-size')) return { [key]: page, count: page.length };
		return { [key]: page, total: all.length };
	}

	private clearTimers(): void {
		for (const timer of this.completionTimers.values()) clearTimeout(timer);
		this.completionTimers.clear();
	}

	private say(line: string): void {
		this.options.log?.(line);
	}

	private nextId(prefix: string): string {
		this.counter += 1;
		return `${prefix}_sim_${String(this.counter).padStart(6, '0')}`;
	}

	private findCall(id: string): { team: TeamState; call: Call } | undefined {
		for (const team of Object.values(this.teams)) {
			const call = team.calls.find((c) => c.id === id);
			if (call) return { team, call };
		}
		return undefined;
	}

	private findAgent(id: string): { team: TeamState; agent: Agent } | undefined {
		for (const team of Object.values(this.teams)) {
			const agent = team.agents.find((a) => a.id === id);
			if (agent) return { team, agent };
		}
		return undefined;
	}

	/** Which team, agent and call an on-demand event is about. */
	private eventSource(request: DeliverRequest): { team: TeamState; agent: Agent; call: Call } {
		if (request.callId) {
			const found = this.findCall(request.callId);
			if (!found) throw new ControlError(404, `call ${request.callId} not found`);
			const agent = found.team.agents.find((a) => a.id === found.call.interview_id)!;
			return { team: found.team, agent, call: found.call };
		}
		let team: TeamState;
		let agent: Agent;
		if (request.interviewId) {
			const found = this.findAgent(request.interviewId);
			if (!found) throw new ControlError(404, `agent ${request.interviewId} not found`);
			({ team, agent } = found);
		} else if (request.folderId) {
			const candidates = Object.values(this.teams).flatMap((t) =>
				t.agents.filter((a) => a.folder_id === request.folderId).map((a) => ({ team: t, agent: a })),
			);
			const found = candidates.find((c) => c.agent.status === 'ACTIVE') ?? candidates[0];
			if (!found) throw new ControlError(404, `no agent in folder ${request.folderId}`);
			({ team, agent } = found);
		} else {
			team = this.teams[SEED.teamId];
			agent = team.agents.find((a) => a.id === SEED.agents.salesQualifier)!;
		}
		const latest = team.calls
			.filter((c) => c.interview_id === agent.id && c.status !== 'queued')
			.sort((a, b) => compareValues(b.ended_at, a.ended_at))[0];
		return { team, agent, call: latest ?? this.sampleCall(team, agent) };
	}

	/** A played call for agents that have none yet (not stored: it only feeds a payload). */
	private sampleCall(team: TeamState, agent: Agent): Call {
		const contact = team.contacts.find((c) => c.phone_number) ?? team.contacts[0];
		const script = AGENT_SCRIPTS[agent.id] ?? DEFAULT_SCRIPT;
		const started = new Date(Date.now() - 60_000);
		const played = playScript(script, contact, undefined, started);
		const id = this.nextId('call');
		return {
			id,
			interview_id: agent.id,
			contact_id: contact?.id ?? '',
			direction: script.direction,
			status: script.status,
			outcome: script.outcome,
			duration_seconds: played.durationSeconds,
			recording_url: `https://recordings.thoughtly.com/${id}.mp3`,
			transcript: played.transcript,
			tags: [...script.tags],
			created_at: started.toISOString(),
			updated_at: played.endedAt.toISOString(),
			started_at: started.toISOString(),
			ended_at: played.endedAt.toISOString(),
		};
	}

	/** Subscribers of `type` in the team that want events about this agent. */
	private subscribers(team: TeamState, type: EventType, agent: Agent): WebhookSubscription[] {
		const scope = isFolderEvent(type) ? agent.folder_id : agent.id;
		return team.webhooks.filter((w) => w.type === type && (w.data === undefined || w.data === scope));
	}

	private async fanOut(
		team: TeamState,
		type: EventType,
		agent: Agent,
		call: Call,
		contact: Contact | undefined,
		shapeOverride?: PayloadShape,
		payload?: unknown,
	): Promise<Delivery[]> {
		const shape = shapeOverride ?? this.config.payloadShape;
		const body = payload !== undefined ? payload : buildPayload({ type, agent, call, contact }, shape);
		const targets = this.subscribers(team, type, agent);
		return Promise.all(
			targets.map(async (subscription) => {
				const at = new Date().toISOString();
				const outcome = await this.deliverer.deliver(subscription.url, body, this.config.deliveryTimeoutMs);
				const delivery: Delivery = {
					type,
					url: subscription.url,
					subscriptionId: subscription.id,
					teamId: team.id,
					shape: payload !== undefined ? 'custom' : shape,
					body: clone(body),
					status: outcome.status,
					attempts: outcome.attempts,
					at,
				};
				if (outcome.error) delivery.error = outcome.error;
				this.deliveryLog.push(delivery);
				this.say(`delivered ${type} to ${subscription.url} → ${outcome.status ?? outcome.error}`);
				const waiters = this.deliveryWaiters;
				this.deliveryWaiters = [];
				for (const wake of waiters) wake();
				return clone(delivery);
			}),
		);
	}

	// ---- HTTP ----

	private sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const text = JSON.stringify(body);
		res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
		res.end(text);
	}

	private answer(res: http.ServerResponse, entry: LoggedRequest, status: number, body: unknown, headers: Record<string, string> = {}): void {
		entry.status = status;
		this.say(`${entry.method} ${entry.path} → ${status}${entry.fault ? ` (fault: ${entry.fault})` : ''}`);
		this.sendJson(res, status, body, headers);
	}

	private answerEmpty(res: http.ServerResponse, entry: LoggedRequest, status: number): void {
		entry.status = status;
		this.say(`${entry.method} ${entry.path} → ${status} (no body)`);
		res.writeHead(status, status === 204 ? {} : { 'Content-Length': 0 });
		res.end();
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://simulator.local');
		const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
		const method = (req.method ?? 'GET').toUpperCase();
		const raw = await readBody(req);
		if (pathname === '/__simulator' || pathname.startsWith('/__simulator/')) {
			await this.control(req, res, method, pathname, raw);
			return;
		}
		const entry: LoggedRequest = {
			method,
			path: pathname,
			query: parseQuery(url.searchParams),
			headers: { ...req.headers },
			body: tryJson(raw),
			rawBody: raw,
			// Date.now(), so that a test's clock (a spy on Date.now) is the simulator's clock too.
			at: new Date(Date.now()).toISOString(),
		};
		this.log.push(entry);
		const route = this.spec.match(method, pathname);
		const fault = this.takeFault(method, pathname, route.kind === 'operation' ? route.operation.path : undefined);
		if (fault?.kind === 'delay') {
			// Network latency: the request reaches the API this much later, and is counted then.
			await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
			entry.fault = 'delay';
			entry.at = new Date(Date.now()).toISOString();
		} else if (fault) {
			entry.fault = fault.kind;
			if (fault.takeEffect && route.kind === 'operation') this.carryOut(route.operation, route.params, req, entry, raw);
			this.applyFault(fault, req, res, entry);
			return;
		}
		try {
			this.rateLimit(req);
			if (route.kind === 'not-found') throw new ApiError(404, 'NOT_FOUND', `No route ${method} ${pathname}`);
			if (route.kind === 'method-not-allowed') {
				throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${pathname}`, undefined, {
					Allow: route.allowed.join(', '),
				});
			}
			const data = this.operate(route.operation, route.params, req, entry, raw);
			if (route.operation.method === 'DELETE' && this.has('delete-no-content')) this.answerEmpty(res, entry, 204);
			else if (route.operation.method === 'DELETE' && this.has('delete-empty-200')) this.answerEmpty(res, entry, 200);
			else this.answer(res, entry, 200, { data, error: null });
		} catch (error) {
			if (!(error instanceof ApiError)) throw error;
			const body: Record<string, unknown> = { message: error.message, code: error.code };
			if (error.details) body.details = error.details;
			this.answer(res, entry, error.status, { data: null, error: body }, error.headers);
		}
	}

	/** Does what the request asks, for a fault that answers after the work was done. */
	private carryOut(operation: Operation, params: Record<string, string>, req: http.IncomingMessage, entry: LoggedRequest, raw: string): void {
		try {
			this.operate(operation, params, req, entry, raw);
		} catch (error) {
			if (!(error instanceof ApiError)) throw error;
			this.say(`${entry.method} ${entry.path} would have answered ${error.status} (fault answers instead)`);
		}
	}

	private takeFault(method: string, pathname: string, template: string | undefined): PendingFault | undefined {
		const fault = this.faults.find((f) => {
			if (f.method && f.method.toUpperCase() !== method) return false;
			if (!f.path) return true;
			if (f.path === pathname || f.path === template) return true;
			return f.path.endsWith('*') && pathname.startsWith(f.path.slice(0, -1));
		});
		if (!fault) return undefined;
		if (fault.after) {
			fault.after -= 1;
			return undefined;
		}
		fault.count -= 1;
		if (fault.count <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
		return fault;
	}

	private applyFault(fault: PendingFault, req: http.IncomingMessage, res: http.ServerResponse, entry: LoggedRequest): void {
		switch (fault.kind) {
			case 'status': {
				const status = fault.status ?? 500;
				const headers: Record<string, string> = status === 429 ? { 'Retry-After': String(fault.retryAfter ?? 1) } : {};
				const message = status === 429 ? 'Too many requests' : `Simulated upstream failure (${status})`;
				this.answer(res, entry, status, { data: null, error: { message, code: status === 429 ? 'RATE_LIMITED' : 'INTERNAL_ERROR' } }, headers);
				return;
			}
			case 'hang':
				// Never answer: the socket stays open until the client gives up or stop() destroys it.
				this.say(`${entry.method} ${entry.path} → hanging (fault)`);
				return;
			case 'drop':
				this.say(`${entry.method} ${entry.path} → connection dropped (fault)`);
				req.socket.destroy();
				return;
			case 'malformed': {
				entry.status = 200;
				const text = '{"data": {"contacts": [{"id": "cnt_';
				res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
				res.end(text);
				return;
			}
			case 'html': {
				const status = fault.status ?? 502;
				entry.status = status;
				const text = `<!DOCTYPE html>\n<html><head><title>${status} Bad Gateway</title></head><body><h1>${status} Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>\n`;
				res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
				res.end(text);
				return;
			}
			case 'envelope-error':
				this.answer(res, entry, 200, { data: null, error: { message: 'Simulated error inside a 200 answer', code: 'INTERNAL_ERROR' } });
				return;
		}
	}

	/** Fixed window per API token; requests without one share their caller's address. */
	private rateLimit(req: http.IncomingMessage): void {
		const key = header(req, 'x-api-token') ?? `address:${req.socket.remoteAddress}`;
		const now = Date.now();
		let window = this.windows.get(key);
		if (!window || now - window.start >= this.config.windowMs) {
			window = { start: now, count: 0 };
			this.windows.set(key, window);
		}
		window.count += 1;
		if (window.count > this.config.rateLimit) {
			const seconds = Math.max(1, Math.ceil((window.start + this.config.windowMs - now) / 1000));
			throw new ApiError(
				429,
				'RATE_LIMITED',
				`Rate limit of ${this.config.rateLimit} requests per ${this.config.windowMs} ms exceeded; retry after ${seconds} s`,
				undefined,
				{ 'Retry-After': String(seconds) },
			);
		}
	}

	private authenticate(req: http.IncomingMessage): TeamState {
		const token = header(req, 'x-api-token');
		const teamId = header(req, 'team_id');
		if (!token) throw new ApiError(401, 'UNAUTHORIZED', 'Missing x-api-token header');
		if (!teamId) throw new ApiError(401, 'UNAUTHORIZED', 'Missing team_id header');
		const team = Object.values(this.teams).find((t) => t.apiToken === token);
		if (!team) throw new ApiError(401, 'UNAUTHORIZED', 'Invalid API token');
		if (team.id !== teamId) throw new ApiError(401, 'UNAUTHORIZED', 'team_id does not belong to this API token');
		return team;
	}

	private parseBody(operation: Operation, req: http.IncomingMessage, raw: string): { present: boolean; value: unknown } {
		if (!operation.body || !raw.trim()) return { present: false, value: undefined };
		const type = header(req, 'content-type') ?? '';
		if (!/\bjson\b/i.test(type)) {
			throw validationError([{ field: 'body', message: `must be sent as application/json (got ${type || 'no Content-Type'})` }]);
		}
		try {
			return { present: true, value: JSON.parse(raw) };
		} catch {
			throw validationError([{ field: 'body', message: 'is not valid JSON' }]);
		}
	}

	private operate(
		operation: Operation,
		params: Record<string, string>,
		req: http.IncomingMessage,
		entry: LoggedRequest,
		raw: string,
	): unknown {
		if (operation.operationId === 'triggerAutomation') return this.triggerAutomation(operation, params, req, entry, raw);
		const team = this.authenticate(req);
		const { values, issues } = this.spec.validateQuery(operation, entry.query);
		const body = this.parseBody(operation, req, raw);
		issues.push(...this.spec.validateBody(operation, body.value, body.present));
		if (issues.length) throw validationError(issues);
		const input = body.value as Record<string, any>;
		switch (operation.operationId) {
			case 'getAgents':
				return this.getAgents(team, values);
			case 'searchCalls':
				return this.searchCalls(team, params.interview_id, values);
			case 'getContacts':
				return this.getContacts(team, values);
			case 'createContact':
				return this.createContact(team, input);
			case 'getContact':
				return clone(this.contact(team, params.id));
			case 'deleteContact': {
				const contact = this.contact(team, params.id);
				team.contacts.splice(team.contacts.indexOf(contact), 1);
				return { id: contact.id, deleted: true };
			}
			case 'callContact':
				return this.callContact(team, input);
			case 'getUser':
				return { ...team.user };
			case 'getWebhooks': {
				const webhooks = team.webhooks.map((w) => ({ id: w.id, type: w.type, url: w.url, data: w.data ?? null, created_at: w.created_at }));
				if (this.has('bare-lists')) return webhooks;
				return this.has('count-is-page-size') ? { webhooks, count: webhooks.length } : { webhooks, total: webhooks.length };
			}
			case 'subscribeWebhook':
				return this.subscribe(team, input);
			case 'unsubscribeWebhook':
				return this.unsubscribe(team, input);
			default:
				throw new ApiError(501, 'NOT_IMPLEMENTED', `${operation.operationId} is not simulated`);
		}
	}

	private contact(team: TeamState, id: string): Contact {
		const contact = team.contacts.find((c) => c.id === id);
		if (!contact) throw notFound('Contact', id);
		return contact;
	}

	private getAgents(team: TeamState, q: Record<string, unknown>): unknown {
		let agents = team.agents;
		if (q.status) agents = agents.filter((a) => a.status === q.status);
		else if (q.all_interviews !== true) agents = agents.filter((a) => a.status === 'ACTIVE');
		if (typeof q.search === 'string' && q.search) agents = agents.filter((a) => includesText([a.title], q.search as string));
		const [field, direction] = ((q.sort as string | undefined) ?? 'created_desc').split('_');
		const key = field === 'title' ? 'title' : 'created_at';
		const sorted = [...agents].sort((a, b) => {
			const order = compareValues(a[key], b[key]) || a.id.localeCompare(b.id);
			return direction === 'desc' ? -order : order;
		});
		return this.listAnswer('interviews', sorted, q);
	}

	private searchCalls(team: TeamState, agentId: string, q: Record<string, unknown>): unknown {
		if (!team.agents.some((a) => a.id === agentId)) throw notFound('Agent', agentId);
		// Queued calls have not produced a response yet.
		let calls = team.calls.filter((c) => c.interview_id === agentId && c.status !== 'queued');
		if (typeof q.search === 'string' && q.search) {
			const search = q.search;
			calls = calls.filter((call) => {
				const contact = team.contacts.find((c) => c.id === call.contact_id);
				return includesText(
					[...call.transcript.map((t) => t.transcript), contact?.name, contact?.email, contact?.phone_number],
					search,
				);
			});
		}
		const tags = q.response_tags as string[] | undefined;
		if (tags?.length) calls = calls.filter((c) => c.tags.some((t) => tags.includes(t)));
		const statuses = q.status as string[] | undefined;
		if (statuses?.length) calls = calls.filter((c) => statuses.includes(c.status));
		if (typeof q.job_id === 'string' && q.job_id) calls = calls.filter((c) => c.job_id === q.job_id);
		// Calls that started in the same millisecond keep their order of creation (IDs count up).
		const sorted = [...calls].sort(
			(a, b) => compareValues(b.started_at ?? b.created_at, a.started_at ?? a.created_at) || b.id.localeCompare(a.id),
		);
		if (this.has('responses-oldest-first')) sorted.reverse();
		return this.listAnswer('responses', sorted, q);
	}

	private getContacts(team: TeamState, q: Record<string, unknown>): unknown {
		let contacts = team.contacts;
		if (typeof q.search === 'string' && q.search) {
			const search = q.search;
			contacts = contacts.filter((c) => includesText([c.name, c.email, c.phone_number], search));
		}
		if (q.phone_numbers_only === true) contacts = contacts.filter((c) => Boolean(c.phone_number));
		const tags = q.tags as string[] | undefined;
		if (tags?.length) contacts = contacts.filter((c) => (c.tags ?? []).some((t) => tags.includes(t)));
		const excluded = q.excluded_tags as string[] | undefined;
		if (excluded?.length) contacts = contacts.filter((c) => !(c.tags ?? []).some((t) => excluded.includes(t)));
		let field: keyof Contact = 'created_at';
		let direction = 'desc';
		if (typeof q.sort === 'string' && q.sort) {
			const mapped = CONTACT_SORT_FIELDS[q.sort];
			if (!mapped) {
				const allowed = Object.keys(CONTACT_SORT_FIELDS).join(', ');
				throw validationError([{ field: 'sort', message: `cannot sort by ${q.sort} (allowed: ${allowed})` }]);
			}
			field = mapped;
			direction = 'asc';
		}
		if (q.sortDirection) direction = q.sortDirection as string;
		const sorted = [...contacts].sort((a, b) => {
			const order = compareValues(a[field], b[field]);
			if (order !== 0 && (a[field] === undefined || b[field] === undefined)) return order;
			const tie = order || a.id.localeCompare(b.id);
			return direction === 'desc' ? -tie : tie;
		});
		return this.listAnswer('contacts', sorted, q);
	}

	private createContact(team: TeamState, input: Record<string, any>): Contact {
		const now = new Date().toISOString();
		// Only the fields the caller gave, as Thoughtly omits absent optional fields.
		const given: Partial<Contact> = {};
		for (const key of ['name', 'email', 'country_code'] as const) {
			if (input[key] !== undefined) given[key] = input[key];
		}
		if (input.tags !== undefined) given.tags = [...input.tags];
		if (input.attributes !== undefined) given.attributes = clone(input.attributes);
		const contact: Contact = {
			id: this.nextId('cnt'),
			phone_number: input.phone_number,
			...given,
			created_at: now,
			updated_at: now,
		};
		team.contacts.push(contact);
		return clone(contact);
	}

	private callContact(team: TeamState, input: Record<string, any>): unknown {
		const contact = team.contacts.find((c) => c.id === input.contact_id);
		if (!contact) throw notFound('Contact', input.contact_id, 'contact_id');
		const agent = team.agents.find((a) => a.id === input.interview_id);
		if (!agent) throw notFound('Agent', input.interview_id, 'interview_id');
		if (agent.status === 'ARCHIVED') {
			throw validationError([{ field: 'interview_id', message: `names an archived agent (${agent.title}), which cannot place calls` }]);
		}
		if (!agent.outbound_calling_enabled) throw new ApiError(403, 'FORBIDDEN', 'Outbound calling is disabled for this agent');
		if (!contact.phone_number) {
			throw validationError([{ field: 'contact_id', message: 'names a contact without a phone number' }]);
		}
		const now = new Date().toISOString();
		const call: Call = {
			id: this.nextId('call'),
			interview_id: agent.id,
			contact_id: contact.id,
			direction: 'outbound',
			status: 'queued',
			transcript: [],
			tags: [],
			created_at: now,
			updated_at: now,
		};
		if (isObject(input.metadata)) call.metadata = clone(input.metadata);
		team.calls.push(call);
		const timer = setTimeout(() => {
			this.completionTimers.delete(call.id);
			this.completeCall(call.id).catch((error) => this.say(`completing ${call.id} failed: ${error.message}`));
		}, this.config.callCompletionDelayMs);
		timer.unref();
		this.completionTimers.set(call.id, timer);
		const result: Record<string, unknown> = { call_id: call.id, status: 'queued', interview_id: agent.id, contact_id: contact.id };
		if (call.metadata) result.metadata = clone(call.metadata);
		return result;
	}

	private subscribe(team: TeamState, input: Record<string, any>): unknown {
		if (this.has('subscribe-spec-types') && !SPEC_SUBSCRIBE_TYPES.includes(input.type)) {
			throw validationError([{ field: 'type', message: `must be one of ${SPEC_SUBSCRIBE_TYPES.join(', ')}` }]);
		}
		const data = normaliseData(input.data);
		// Subscribing twice to the same (type, url, data) keeps one subscription.
		let webhook = team.webhooks.find((w) => w.type === input.type && w.url === input.url && w.data === data);
		if (!webhook) {
			webhook = { id: this.nextId('wh'), type: input.type, url: input.url, created_at: new Date().toISOString() };
			if (data !== undefined) webhook.data = data;
			team.webhooks.push(webhook);
		}
		return publicSubscription(webhook);
	}

	private unsubscribe(team: TeamState, input: Record<string, any>): unknown {
		const data = normaliseData(input.data);
		const matching = team.webhooks.filter((w) => w.type === input.type && w.url === input.url && w.data === data);
		if (!matching.length) {
			const scope = data === undefined ? 'without data' : `with data ${data}`;
			throw new ApiError(404, 'NOT_FOUND', `No ${input.type} subscription for ${input.url} ${scope}`);
		}
		team.webhooks = team.webhooks.filter((w) => !matching.includes(w));
		const result: Record<string, unknown> = { type: input.type, url: input.url };
		if (data !== undefined) result.data = data;
		result.removed = true;
		return result;
	}

	private triggerAutomation(
		operation: Operation,
		params: Record<string, string>,
		req: http.IncomingMessage,
		entry: LoggedRequest,
		raw: string,
	): unknown {
		const id = params.automation_id;
		const team = Object.values(this.teams).find((t) => t.automations.some((a) => a.id === id));
		if (!team) throw notFound('Automation', id);
		// With webhook verification on, the caller proves itself with the team's API token.
		if (team.webhookVerification && header(req, 'x-api-token') !== team.apiToken) {
			throw new ApiError(
				401,
				'UNAUTHORIZED',
				header(req, 'x-api-token')
					? 'Invalid x-api-token for this automation'
					: "This team requires webhook verification: send the team's API token as x-api-token",
			);
		}
		const { issues } = this.spec.validateQuery(operation, entry.query);
		const body = this.parseBody(operation, req, raw);
		issues.push(...this.spec.validateBody(operation, body.value, body.present));
		if (issues.length) throw validationError(issues);
		const run = { id: this.nextId('run'), automation_id: id, received: clone(body.value), at: new Date().toISOString() };
		team.automationRuns.push(run);
		return { automation_id: id, status: 'triggered', run_id: run.id, received: clone(body.value) };
	}

	// ---- control surface over HTTP ----

	private async control(req: http.IncomingMessage, res: http.ServerResponse, method: string, pathname: string, raw: string): Promise<void> {
		const route = `${method} ${pathname.slice('/__simulator'.length) || '/'}`;
		let input: any = {};
		if (raw.trim()) {
			try {
				input = JSON.parse(raw);
			} catch {
				this.sendJson(res, 400, { error: 'control request body is not valid JSON' });
				return;
			}
		}
		try {
			const completeMatch = /^POST \/calls\/([^/]+)\/complete$/.exec(route);
			if (completeMatch) {
				this.sendJson(res, 200, await this.completeCall(decodeURIComponent(completeMatch[1])));
				return;
			}
			switch (route) {
				case 'GET /':
				case 'GET /info':
					this.sendJson(res, 200, this.info());
					return;
				case 'GET /requests':
					this.sendJson(res, 200, { requests: this.log });
					return;
				case 'DELETE /requests':
					this.clearRequests();
					this.sendJson(res, 200, { cleared: true });
					return;
				case 'GET /state':
					this.sendJson(res, 200, this.state());
					return;
				case 'POST /reset':
					this.reset();
					this.sendJson(res, 200, { reset: true });
					return;
				case 'POST /seed': {
					const contacts = this.seedContacts(input.contacts ?? 0);
					this.sendJson(res, 200, { contacts, total: this.teams[SEED.teamId].contacts.length });
					return;
				}
				case 'POST /config':
					this.sendJson(res, 200, { config: this.configure(input) });
					return;
				case 'POST /deliver':
					this.sendJson(res, 200, { deliveries: await this.deliver(input) });
					return;
				case 'GET /deliveries':
					this.sendJson(res, 200, { deliveries: this.deliveryLog });
					return;
				case 'DELETE /deliveries':
					this.clearDeliveries();
					this.sendJson(res, 200, { cleared: true });
					return;
				case 'POST /faults':
					this.sendJson(res, 200, { faults: this.injectFault(input) });
					return;
				case 'GET /faults':
					this.sendJson(res, 200, { faults: this.faults });
					return;
				case 'DELETE /faults':
					this.clearFaults();
					this.sendJson(res, 200, { cleared: true });
					return;
				default:
					this.sendJson(res, 404, { error: `no control route ${route}` });
			}
		} catch (error) {
			if (error instanceof ControlError) this.sendJson(res, error.status, { error: error.message });
			else throw error;
		}
	}
}
