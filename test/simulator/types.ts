/** Shapes of the simulator's state, options and control surface. */

export const EVENT_TYPES = [
	'NEW_RESPONSE',
	'PHONE_TRANSFER',
	'FOLDER_NEW_RESPONSE',
	'FOLDER_PHONE_TRANSFER',
	'ACTION_FAILED',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** `catalog`: the API catalog's example payload; `legacy`: the older flat payload (NOTES.md). */
export type PayloadShape = 'catalog' | 'legacy';

/**
 * Answers the spec leaves open, each switched on by name (none by default):
 * - `delete-no-content`: DELETE /contact/{id} and DELETE /webhooks/unsubscribe answer 204, no body;
 * - `delete-empty-200`: the same two answer 200 with an empty body;
 * - `count-is-page-size`: lists carry `count` (records on this page) instead of `total`;
 * - `bare-lists`: lists answer `data` as a bare array, without a total;
 * - `ignore-page`: lists ignore `page` and always serve the first page;
 * - `subscribe-spec-types`: subscribe accepts only the spec's enum (NEW_RESPONSE, PHONE_TRANSFER)
 *   and refuses the folder events and ACTION_FAILED with 400 naming `type`;
 * - `responses-oldest-first`: GET /interview/{id}/responses lists the oldest calls first.
 */
export const VARIANTS = [
	'delete-no-content',
	'delete-empty-200',
	'count-is-page-size',
	'bare-lists',
	'ignore-page',
	'subscribe-spec-types',
	'responses-oldest-first',
] as const;
export type Variant = (typeof VARIANTS)[number];

export interface SimulatorOptions {
	/** 0 picks a free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Requests per window per API token. Default 100. */
	rateLimit?: number;
	/** Length of the fixed rate-limit window. Default 60000. */
	windowMs?: number;
	/** Delay between `POST /contact/call` and the call completing. Default 1000. */
	callCompletionDelayMs?: number;
	/** Shape of delivered webhook payloads. Default 'catalog'. */
	payloadShape?: PayloadShape;
	/** Extra contacts seeded into team one (for pagination and load). Default 0. */
	extraContacts?: number;
	/** How long one webhook delivery may take before it counts as failed. Default 5000. */
	deliveryTimeoutMs?: number;
	/** Answers the spec leaves open that this simulator gives instead of its defaults. Default none. */
	variants?: Variant[];
	/** Receives one line per request and delivery. Quiet when absent. */
	log?: (line: string) => void;
}

/** Options that can be changed while the simulator runs. */
export interface SimulatorConfig {
	rateLimit: number;
	windowMs: number;
	callCompletionDelayMs: number;
	payloadShape: PayloadShape;
	deliveryTimeoutMs: number;
	variants: Variant[];
}

export type AgentStatus = 'ACTIVE' | 'ARCHIVED';

export interface Agent {
	id: string;
	title: string;
	status: AgentStatus;
	channel: 'voice' | 'chat' | 'omnichannel';
	phone_number?: string;
	voice_id: string;
	folder_id: string;
	outbound_calling_enabled: boolean;
	outcomes: string[];
	created_at: string;
	updated_at: string;
}

export interface Contact {
	id: string;
	phone_number?: string;
	name?: string;
	email?: string;
	country_code?: string;
	tags?: string[];
	attributes?: Record<string, unknown>;
	created_at: string;
	updated_at: string;
}

export interface TranscriptTurn {
	transcript: string;
	speaker: 'ai' | 'user';
	createdAt: string;
	step?: number;
	node_id?: string;
}

export interface Call {
	id: string;
	interview_id: string;
	contact_id: string;
	job_id?: string;
	direction: 'inbound' | 'outbound';
	/** `queued` until the call completes, then its final status (success, failure, voicemail...). */
	status: string;
	outcome?: string;
	duration_seconds?: number;
	recording_url?: string;
	transcript: TranscriptTurn[];
	tags: string[];
	metadata?: Record<string, unknown>;
	created_at: string;
	updated_at: string;
	started_at?: string;
	ended_at?: string;
}

export interface WebhookSubscription {
	id: string;
	type: EventType;
	url: string;
	data?: string;
	created_at: string;
}

export interface Automation {
	id: string;
	name: string;
}

export interface AutomationRun {
	id: string;
	automation_id: string;
	received: unknown;
	at: string;
}

export interface User {
	id: string;
	name: string;
	email: string;
	team_id: string;
}

export interface TeamState {
	id: string;
	name: string;
	apiToken: string;
	/** Thoughtly's "webhook verification" setting: automations then need the team's x-api-token. */
	webhookVerification: boolean;
	user: User;
	agents: Agent[];
	contacts: Contact[];
	calls: Call[];
	webhooks: WebhookSubscription[];
	automations: Automation[];
	automationRuns: AutomationRun[];
}

export interface SimulatorState {
	teams: Record<string, TeamState>;
	config: SimulatorConfig;
	faults: Fault[];
	/** Queued calls whose completion is scheduled (their IDs). */
	pendingCompletions: string[];
}

export type QueryValue = string | string[];

export interface LoggedRequest {
	method: string;
	path: string;
	/** Repeated keys become arrays: `tags=a&tags=b` → `{ tags: ['a', 'b'] }`. */
	query: Record<string, QueryValue>;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON body, or undefined when there was none or it was not JSON. */
	body: unknown;
	rawBody: string;
	at: string;
	/** Status sent back (absent while hanging or when the connection was dropped). */
	status?: number;
	/** Set when an injected fault answered this request. */
	fault?: FaultKind;
}

export type FaultKind = 'status' | 'hang' | 'drop' | 'malformed' | 'html' | 'envelope-error' | 'delay';

export interface Fault {
	kind: FaultKind;
	/** How many matching requests fail. Default 1. */
	count?: number;
	/** For `status` (default 500) and `html` (default 502). */
	status?: number;
	/** Seconds sent as Retry-After on a 429 `status` fault. Default 1. */
	retryAfter?: number;
	/** For `delay`: how much later the request reaches the API (then it is handled as usual). Default 1000. */
	delayMs?: number;
	/** Only requests with this method. */
	method?: string;
	/** Only requests to this path: a concrete path, a spec template (`/contact/{id}`) or a prefix ending in `*`. */
	path?: string;
	/** Let this many matching requests through first, then fail the next `count`. Default 0. */
	after?: number;
	/**
	 * Carry the request out first, then answer with the fault: the request took effect but its
	 * answer was lost (a gateway's 502 or a dropped connection after the work was done).
	 */
	takeEffect?: boolean;
}

export interface DeliverRequest {
	type: EventType;
	/** The agent the event is about; subscribers scoped to other agents do not receive it. */
	interviewId?: string;
	/** For folder events: picks an agent of that folder. */
	folderId?: string;
	/** Build the payload from this call instead of the agent's latest call. */
	callId?: string;
	shape?: PayloadShape;
	/** Send exactly this body instead of a built one. */
	payload?: unknown;
}

export interface Delivery {
	type: EventType;
	url: string;
	subscriptionId: string;
	teamId: string;
	shape: PayloadShape | 'custom';
	body: unknown;
	/** Subscriber's final HTTP status; null when no answer arrived. */
	status: number | null;
	error?: string;
	/** 2 when the subscriber answered 429 and was tried once more. */
	attempts: number;
	at: string;
}

export interface CompletedCall {
	call: Call;
	deliveries: Delivery[];
}

export interface SimulatorInfo {
	url: string;
	apiToken: string;
	teamId: string;
	otherTeam: { apiToken: string; teamId: string };
	config: SimulatorConfig;
}
