import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { RequestWindow, Slot } from './requestWindow';

/** What a sender returns: n8n's full response, errors by status included. */
export interface ThoughtlyResponse {
	statusCode: number;
	headers?: IDataObject;
	body?: unknown;
}

export type Sender = (options: IHttpRequestOptions) => Promise<ThoughtlyResponse>;

export interface ThoughtlySuccess {
	data: unknown;
}

export interface ThoughtlyFailure {
	/**
	 * `status`: an HTTP error; `envelope`: a 2xx whose envelope carries an error; `unreadable`:
	 * an answer that is not a Thoughtly envelope; `timeout` / `connection`: no answer at all;
	 * `busy`: an immediate request not sent, because the token's request window had no room.
	 */
	kind: 'status' | 'envelope' | 'unreadable' | 'timeout' | 'connection' | 'busy';
	status?: number;
	/** Thoughtly's own words, from the envelope's `error`. */
	thoughtlyMessage?: string;
	/** The answer was a web page (a proxy's or gateway's error page), not the API's JSON. */
	webPage?: boolean;
	method: string;
	endpoint: string;
	attempts: number;
	/** Whether the request could be sent again without risk (reads and deletes). */
	repeatable: boolean;
	/** 429: the pause Thoughtly asked for, when it was longer than the node waits. */
	retryAfterMs?: number;
	/** 429: how long the node paused the token for this request before giving up. */
	rateLimitedMs?: number;
	/** The time the request was given to answer, when not the usual REQUEST_TIMEOUT_MS. */
	timeoutMs?: number;
	/** What n8n shows under "Error details". */
	response: IDataObject;
}

const DEFAULT_BASE_URL = 'https://api.thoughtly.com';
const REQUEST_TIMEOUT_MS = 30_000;
/** Times a read or delete is sent again after a 5xx, a timeout or a lost connection. */
const MAX_REPEATS = 2;
/**
 * A request refused with 429 (Thoughtly did not act on it) is sent again until the token has
 * been paused this long for it: one whole window of Thoughtly's, so that a token merely busy
 * with another worker or tool does not fail items.
 */
const RATE_LIMIT_PATIENCE_MS = 60_000;
/** Each refusal uses at least this much of that patience, so that `Retry-After: 0` cannot loop forever. */
const MIN_RATE_LIMIT_STEP_MS = 1_000;
/** Without Retry-After: 1 s, 2 s, 4 s … up to this, each varied by ±25 % so workers spread out. */
const MAX_RATE_LIMIT_BACKOFF_MS = 16_000;
/** A longer Retry-After than this is reported rather than waited out inside an execution. */
const MAX_RATE_LIMIT_WAIT_MS = 120_000;

export function normalizeBaseUrl(baseUrl: string | undefined): string {
	const url = (baseUrl ?? '').trim() || DEFAULT_BASE_URL;
	return url.replace(/\/+$/, '');
}

/**
 * `immediate`: the request is sent only if the token's window has room now, and only once (no
 * retry after a 429, a 5xx or a timeout), for answers that are better left out than late.
 */
export interface SendOptions {
	immediate?: boolean;
}

export function isFailure(outcome: ThoughtlySuccess | ThoughtlyFailure): outcome is ThoughtlyFailure {
	return 'kind' in outcome;
}

/**
 * Sends one request to Thoughtly and reads its `{ data, error }` envelope. Requests are spaced by
 * the token's request window; a 429 waits for Retry-After and is sent again. A 5xx or a missing
 * answer is sent again only for GET and DELETE: a POST may already have taken effect, and a
 * repeated `contact/call` would ring a person twice.
 */
export async function sendToThoughtly(
	send: Sender,
	options: IHttpRequestOptions,
	window: RequestWindow,
	wait: (ms: number) => Promise<void> = sleep,
	random: () => number = Math.random,
	{ immediate = false }: SendOptions = {},
): Promise<ThoughtlySuccess | ThoughtlyFailure> {
	const method = (options.method ?? 'GET').toUpperCase();
	const sending: Sending = {
		method,
		repeatable: method === 'GET' || method === 'DELETE',
		immediate,
		window,
		wait,
		random,
		repeats: 0,
		rateLimitRetries: 0,
		rateLimitedMs: 0,
		patienceUsed: 0,
		mayHaveTakenEffect: false,
	};
	const request: IHttpRequestOptions = {
		timeout: REQUEST_TIMEOUT_MS,
		...options,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	for (let attempt = 1; ; attempt++) {
		const slot = immediate ? window.tryAcquire() : await window.acquire(MAX_RATE_LIMIT_WAIT_MS);
		const base = { method, endpoint: options.url, attempts: attempt, repeatable: sending.repeatable };
		if (!slot) return notSent(sending, { ...base, attempts: attempt - 1 });
		const { response, error } = await sendIn(slot, send, request);
		const outcome = response
			? await afterAnswer(sending, { ...base, ...timeoutOf(options) }, readAnswer(response))
			: await afterNoAnswer(sending, { ...base, ...timeoutOf(options) }, error);
		if (outcome !== SEND_AGAIN) return outcome;
	}
}

/** One request on its way: how it may be sent again, and what happened to it so far. */
interface Sending {
	method: string;
	/** Reads and deletes: sending them again does no harm. */
	repeatable: boolean;
	immediate: boolean;
	window: RequestWindow;
	wait: (ms: number) => Promise<void>;
	random: () => number;
	/** Times sent again after a 5xx or no answer. */
	repeats: number;
	rateLimitRetries: number;
	/** How long the token was paused for this request's 429s. */
	rateLimitedMs: number;
	/** How much of RATE_LIMIT_PATIENCE_MS the 429s used. */
	patienceUsed: number;
	/** An earlier attempt may have reached Thoughtly and worked, though its answer was lost. */
	mayHaveTakenEffect: boolean;
}

const SEND_AGAIN = 'send again';

type Next = ThoughtlySuccess | ThoughtlyFailure | typeof SEND_AGAIN;

type FailureBase = Pick<ThoughtlyFailure, 'method' | 'endpoint' | 'attempts' | 'repeatable' | 'timeoutMs'>;

/** Sends once; the slot is given back as soon as the answer (or the error) is in. */
async function sendIn(
	slot: Slot,
	send: Sender,
	request: IHttpRequestOptions,
): Promise<{ response?: ThoughtlyResponse; error?: unknown }> {
	try {
		return { response: await send(request) };
	} catch (error) {
		return { error };
	} finally {
		slot.answered();
	}
}

/** No slot: an immediate request finds the window full, or Thoughtly paused the token too long. */
function notSent(sending: Sending, base: FailureBase): ThoughtlyFailure {
	if (sending.immediate) return { ...base, kind: 'busy', response: {} };
	return tokenPaused(sending.window, base);
}

/** A timeout or a lost connection: a read or delete is sent again, anything else fails. */
async function afterNoAnswer(sending: Sending, base: FailureBase, error: unknown): Promise<Next> {
	if (await pausedToSendAgain(sending)) return SEND_AGAIN;
	return { ...base, kind: isTimeout(error) ? 'timeout' : 'connection', response: { error: errorText(error) } };
}

/** A read or delete is sent again after a pause, a few times; false when it may not be. */
async function pausedToSendAgain(sending: Sending): Promise<boolean> {
	if (!sending.repeatable || sending.repeats >= (sending.immediate ? 0 : MAX_REPEATS)) return false;
	sending.mayHaveTakenEffect = true;
	await sending.wait(backoffMs(sending.repeats++));
	return true;
}

/** What an answer says, read once: its status, its envelope and what the error shows of it. */
interface Answer {
	status: number;
	headers?: IDataObject;
	/** The body, decoded to text when it came as bytes. */
	body: unknown;
	envelope?: Envelope;
	thoughtlyMessage?: string;
	webPage: boolean;
	/** What n8n shows under "Error details". */
	details: IDataObject;
}

function readAnswer(response: ThoughtlyResponse): Answer {
	const status = response.statusCode;
	const body = response.body instanceof Uint8Array ? Buffer.from(response.body).toString('utf8') : response.body;
	const envelope = readEnvelope(body);
	return {
		status,
		headers: response.headers,
		body,
		envelope,
		thoughtlyMessage: envelope ? messageOf(envelope.error) : undefined,
		webPage: !envelope && looksLikeHtml(body),
		details: { status, body: envelope ?? bodyExcerpt(body) },
	};
}

async function afterAnswer(sending: Sending, base: FailureBase, answer: Answer): Promise<Next> {
	const { status, thoughtlyMessage, webPage, details } = answer;
	const statusFailure: ThoughtlyFailure = { ...base, kind: 'status', status, thoughtlyMessage, webPage, response: details };
	if (status === 429) return afterRateLimit(sending, statusFailure, answer.headers);
	if (status >= 500 && (await pausedToSendAgain(sending))) return SEND_AGAIN;
	// The first DELETE worked but its answer was lost: what it deleted is gone, as asked.
	if (status === 404 && sending.method === 'DELETE' && sending.mayHaveTakenEffect) return { data: undefined };
	if (status >= 400 || status < 200) return statusFailure;
	return readSuccess(sending, base, answer);
}

/**
 * 429: Thoughtly did not act on the request. The token pauses as Thoughtly asked (or backs off)
 * and the request is sent again, until the pauses add up to RATE_LIMIT_PATIENCE_MS; a pause
 * longer than the node waits is reported at once.
 */
function afterRateLimit(sending: Sending, failure: ThoughtlyFailure, headers: IDataObject | undefined): Next {
	const asked = retryAfterMs(headers);
	if (asked !== undefined && asked > MAX_RATE_LIMIT_WAIT_MS) {
		sending.window.pause(asked, { windowEnds: true });
		return { ...failure, retryAfterMs: asked };
	}
	if (sending.immediate || sending.patienceUsed >= RATE_LIMIT_PATIENCE_MS) {
		return { ...failure, rateLimitedMs: sending.rateLimitedMs };
	}
	const waitMs = asked ?? rateLimitBackoffMs(sending.rateLimitRetries++, sending.random);
	sending.rateLimitedMs += waitMs;
	sending.patienceUsed += Math.max(waitMs, MIN_RATE_LIMIT_STEP_MS);
	sending.window.pause(waitMs, { windowEnds: asked !== undefined });
	return SEND_AGAIN;
}

/** A 2xx: the envelope's data, unless the envelope carries an error or there is none. */
function readSuccess(sending: Sending, base: FailureBase, answer: Answer): ThoughtlySuccess | ThoughtlyFailure {
	const { status, envelope, details } = answer;
	// 204 No Content, or an empty 200 to a DELETE: done, with nothing to say.
	if (!envelope && isEmptyBody(answer.body) && (status === 204 || sending.method === 'DELETE')) return { data: undefined };
	if (!envelope) return { ...base, kind: 'unreadable', status, response: details };
	if (envelope.error !== null && envelope.error !== undefined) {
		return { ...base, kind: 'envelope', status, thoughtlyMessage: answer.thoughtlyMessage, response: details };
	}
	return { data: envelope.data };
}

/** Thoughtly asked to pause this token longer than the node waits: the request is not sent. */
function tokenPaused(
	window: RequestWindow,
	base: Pick<ThoughtlyFailure, 'method' | 'endpoint' | 'attempts' | 'repeatable'>,
): ThoughtlyFailure {
	const retryAfterMs = window.pauseLeft();
	const status = 429;
	return { ...base, kind: 'status', status, retryAfterMs, response: { status, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } };
}

interface FailureText {
	message: string;
	description: string;
}

/**
 * Message and hint that a user reads when a request failed. `withoutCredentials`: the request
 * was sent without the credential's headers (an automation webhook without verification).
 */
export function describeFailure(failure: ThoughtlyFailure, { withoutCredentials = false } = {}): FailureText {
	const where = `${failure.method} ${failure.endpoint}`;
	switch (failure.kind) {
		case 'busy':
			return {
				message: `Not sent: the credential's Requests per Minute were used up at the time (${where})`,
				description: 'The request would have had to wait for its turn, and it was not worth waiting for.',
			};
		case 'timeout':
			return {
				message: `Thoughtly did not answer within ${(failure.timeoutMs ?? REQUEST_TIMEOUT_MS) / 1000} seconds (${where})`,
				description: `The request timed out.${repeatNote(failure)}`,
			};
		case 'connection':
			return {
				message: `The connection to Thoughtly failed (${where})`,
				description: `${String(failure.response.error ?? 'No answer')}.${repeatNote(failure)}`,
			};
		case 'unreadable':
			return {
				message: `Thoughtly answered with something that is not a Thoughtly API response (HTTP ${failure.status})`,
				description: `Check the Base URL in the Thoughtly credential: it should be the address of the Thoughtly API (${DEFAULT_BASE_URL}).`,
			};
		case 'envelope':
			return {
				message: failure.thoughtlyMessage ?? 'Thoughtly reported an error',
				description: `Thoughtly answered HTTP ${failure.status} but its response carries an error (${where}).`,
			};
		default:
			return describeStatus(failure, withoutCredentials);
	}
}

/** How often the request was tried, or, when it could not be tried again, why not. */
function repeatNote(failure: ThoughtlyFailure): string {
	if (failure.repeatable) return triesNote(failure);
	return ' It was not sent again, because it may already have taken effect (a repeated call could ring the contact twice): check in Thoughtly before running it again.';
}

function triesNote(failure: ThoughtlyFailure): string {
	return failure.attempts > 1 ? ` It was tried ${failure.attempts} times.` : '';
}

/** An HTTP error: Thoughtly's own message when it gave one, and what the status means here. */
function describeStatus(failure: ThoughtlyFailure, withoutCredentials: boolean): FailureText {
	const status = failure.status ?? 0;
	if (status === 429) return describeRateLimit(failure);
	const message =
		failure.thoughtlyMessage ??
		(failure.webPage
			? `Thoughtly answered HTTP ${status} with a web page instead of an API response`
			: `Thoughtly answered HTTP ${status}`);
	return { message, description: statusHint(failure, status, withoutCredentials) };
}

function statusHint(failure: ThoughtlyFailure, status: number, withoutCredentials: boolean): string {
	const where = `${failure.method} ${failure.endpoint}`;
	if (status === 401 && withoutCredentials) {
		return "Thoughtly asked for credentials, so your team probably has webhook verification turned on: turn on the node's Webhook Verification option to send the API token.";
	}
	if (status === 401) {
		return 'Thoughtly did not accept the API token and team ID. Copy both again from Settings → Developer in the Thoughtly dashboard into the Thoughtly credential.';
	}
	if (status === 403) {
		return /outbound/i.test(failure.thoughtlyMessage ?? '')
			? "This agent has outbound calling turned off. Turn it on in the agent's settings in Thoughtly, or choose another agent."
			: 'Thoughtly does not allow this API token to do this in this team.';
	}
	if (status === 404) {
		return "Nothing with this ID exists in the credential's Thoughtly team. Check the ID, and that the credential's team ID is the team that owns it.";
	}
	if (status >= 500) return `Thoughtly had a problem answering (${where}).${repeatNote(failure)}`;
	return `Thoughtly refused the request (${where}, HTTP ${status}).`;
}

function describeRateLimit(failure: ThoughtlyFailure): FailureText {
	const said = failure.thoughtlyMessage;
	if (failure.retryAfterMs !== undefined) {
		const asked = `Thoughtly asked to wait ${duration(failure.retryAfterMs)} before it accepts more requests with this API token`;
		const sent = failure.attempts ? '' : ' This request was not sent.';
		return {
			message: said ?? asked,
			description: `${asked} (HTTP 429). The node waits at most ${duration(MAX_RATE_LIMIT_WAIT_MS)} within an execution, so it stopped here.${sent} Run it again after that time.`,
		};
	}
	return {
		message: said ?? 'Thoughtly answered HTTP 429 (too many requests)',
		description: `Thoughtly kept refusing the request as too many (HTTP 429)${failure.rateLimitedMs ? ` for ${duration(failure.rateLimitedMs)}` : ''}, although the node waited as asked.${triesNote(failure)} Other tools, n8n workers or n8n instances probably use the same API token: lower "Requests per Minute" in the credential so that together they stay within Thoughtly's 100 per minute.`,
	};
}

/** `45 seconds`, `2 minutes`, `60 minutes`. */
function duration(ms: number): string {
	const seconds = Math.ceil(ms / 1000);
	if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
	return `${Math.ceil(seconds / 60)} minutes`;
}

interface Envelope {
	data?: unknown;
	error?: unknown;
}

function readEnvelope(body: unknown): Envelope | undefined {
	let value = body;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return undefined; // not JSON: an HTML error page, a proxy's answer, a cut-off body
		}
	}
	if (value && typeof value === 'object' && !Array.isArray(value) && ('data' in value || 'error' in value)) {
		return value as Envelope;
	}
	return undefined;
}

function isEmptyBody(body: unknown): boolean {
	return body === undefined || body === null || (typeof body === 'string' && body.trim() === '');
}

function looksLikeHtml(body: unknown): boolean {
	return typeof body === 'string' && /^\s*<(!doctype html|html|head|body)\b/i.test(body);
}

function messageOf(error: unknown): string | undefined {
	if (error === null || error === undefined) return undefined;
	if (typeof error === 'string') return error;
	if (typeof error === 'object') {
		const { message, error: inner } = error as IDataObject;
		if (typeof message === 'string' && message) return message;
		if (typeof inner === 'string' && inner) return inner;
		return JSON.stringify(error);
	}
	return String(error);
}

function bodyExcerpt(body: unknown): string {
	const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
	return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** Retry-After in seconds or as an HTTP date; `undefined` when there is none. */
function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const header = headers?.['retry-after'] ?? headers?.['Retry-After'];
	const value = Array.isArray(header) ? header[0] : header;
	if (value !== undefined && value !== null && String(value).trim() !== '') {
		const seconds = Number(value);
		if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
		const date = Date.parse(String(value));
		if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
	}
	return undefined;
}

/** 1 s, 2 s, 4 s … capped, each between 75 % and 125 % of that. */
function rateLimitBackoffMs(retry: number, random: () => number): number {
	const base = Math.min(1000 * 2 ** retry, MAX_RATE_LIMIT_BACKOFF_MS);
	return Math.round(base * (0.75 + random() / 2));
}

/** A timeout other than the usual one, for the error message. */
function timeoutOf(options: IHttpRequestOptions): { timeoutMs?: number } {
	return options.timeout === undefined ? {} : { timeoutMs: options.timeout };
}

function backoffMs(repeat: number): number {
	return 500 * 2 ** repeat;
}

function isTimeout(error: unknown): boolean {
	const causes = [error, (error as { cause?: unknown })?.cause];
	return causes.some((e) => {
		const { code, message } = (e ?? {}) as { code?: string; message?: string };
		return code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message ?? '');
	});
}

function errorText(error: unknown): string {
	const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
	const { code, message } = (cause ?? error ?? {}) as { code?: string; message?: string };
	return [code, message].filter(Boolean).join(': ') || 'No answer';
}
