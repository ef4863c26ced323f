import { randomBytes } from 'crypto';
import type { IDataObject, IHookFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isExpiredWait } from '../Thoughtly/actions/contact/wait/waitUrl';
import type { ThoughtlyContext } from '../Thoughtly/transport';
import { thoughtlyApiRequest, thoughtlyApiRequestList } from '../Thoughtly/transport';
import type { ThoughtlyEvent } from './events';
import { eventScope, eventName, isThoughtlyEvent, SPEC_SUBSCRIBE_EVENTS } from './events';

/** One webhook subscription as Thoughtly identifies it: by type, URL and data, not by an ID. */
export interface Subscription {
	type: ThoughtlyEvent;
	url: string;
	data?: string;
}

/**
 * What the trigger keeps in the node's static data: the webhook URL and secret of the current
 * activation, and every subscription it made in Thoughtly that it has not seen removed yet,
 * whatever webhook URL n8n had then (a deactivation that could not remove one keeps it here, so
 * that the next activation removes it even after N8N_WEBHOOK_URL changed).
 */
export interface TriggerState {
	webhookUrl?: string;
	secret?: string;
	subscriptions?: Subscription[];
}

/** A subscription Thoughtly did not let go of, and Thoughtly's reason. */
export interface Leftover {
	subscription: Subscription;
	reason: string;
}

export const EVENT_QUERY_PARAMETER = 'event';
export const SECRET_QUERY_PARAMETER = 'secret';

export function readState(context: { getWorkflowStaticData(type: string): IDataObject }): TriggerState {
	return context.getWorkflowStaticData('node') as TriggerState;
}

function clearState(state: TriggerState): void {
	delete state.webhookUrl;
	delete state.secret;
	delete state.subscriptions;
}

function newSecret(): string {
	return randomBytes(32).toString('hex');
}

/** This node's webhook URL with the event and the secret as query parameters. */
function subscriptionUrl(webhookUrl: string, event: ThoughtlyEvent, secret: string): string {
	const url = new URL(webhookUrl);
	url.searchParams.set(EVENT_QUERY_PARAMETER, event);
	url.searchParams.set(SECRET_QUERY_PARAMETER, secret);
	return url.toString();
}

/** Same scheme, host, port and path: a URL this node subscribed, whatever its query. */
function pointsAt(url: string, webhookUrl: string): boolean {
	try {
		const a = new URL(url);
		const b = new URL(webhookUrl);
		const path = (u: URL) => u.pathname.replace(/\/+$/, '');
		return a.origin === b.origin && path(a) === path(b);
	} catch {
		return false;
	}
}

function sameSubscription(a: Subscription, b: Subscription): boolean {
	return a.type === b.type && a.url === b.url && (a.data ?? '') === (b.data ?? '');
}

export interface SubscriptionScope {
	events: ThoughtlyEvent[];
	agentId?: string;
	folderId?: string;
}

function isDocumented(event: ThoughtlyEvent): boolean {
	return SPEC_SUBSCRIBE_EVENTS.includes(event);
}

/**
 * The subscriptions the node's parameters ask for, one per event, those the API does not
 * document for subscribe first (see subscribeAll).
 */
function wantedSubscriptions(scope: SubscriptionScope, webhookUrl: string, secret: string): Subscription[] {
	const events = [...scope.events.filter((e) => !isDocumented(e)), ...scope.events.filter(isDocumented)];
	return events.map((type) => {
		const subscription: Subscription = { type, url: subscriptionUrl(webhookUrl, type, secret) };
		const data = eventScope(type) === 'folder' ? scope.folderId : scope.agentId;
		if (data) subscription.data = data;
		return subscription;
	});
}

/** Every subscription of the credential's team (GET /webhooks). */
export async function listSubscriptions(this: ThoughtlyContext): Promise<Subscription[]> {
	const list = await thoughtlyApiRequestList.call(this, { endpoint: '/webhooks', listKey: 'webhooks' });
	const subscriptions: Subscription[] = [];
	for (const entry of list) {
		if (!entry || typeof entry.url !== 'string' || !isThoughtlyEvent(entry.type)) continue;
		const subscription: Subscription = { type: entry.type, url: entry.url };
		if (typeof entry.data === 'string' && entry.data !== '') subscription.data = entry.data;
		subscriptions.push(subscription);
	}
	return subscriptions;
}

/** Errors reach n8n as node errors, so the editor shows Thoughtly's answer with them. */
function asNodeError(node: INode, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error);
}

/** The request body that names a subscription; `data` is left out when there is none (Thoughtly refuses a null). */
function bodyOf(subscription: Subscription): IDataObject {
	const body: IDataObject = { type: subscription.type, url: subscription.url };
	if (subscription.data !== undefined) body.data = subscription.data;
	return body;
}

export async function subscribe(this: ThoughtlyContext, subscription: Subscription): Promise<void> {
	await thoughtlyApiRequest.call(this, { method: 'POST', endpoint: '/webhooks/subscribe', body: bodyOf(subscription) });
}

/**
 * Removes one subscription, named exactly as it was subscribed. A 404 means it is already gone,
 * which is what was wanted.
 */
export async function unsubscribe(this: ThoughtlyContext, subscription: Subscription): Promise<'removed' | 'gone'> {
	try {
		await thoughtlyApiRequest.call(this, { method: 'DELETE', endpoint: '/webhooks/unsubscribe', body: bodyOf(subscription) });
		return 'removed';
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') return 'gone';
		throw asNodeError(this.getNode(), error);
	}
}

/** Where a subscription delivers, without its query (which holds the secret). */
function address(url: string): string {
	try {
		const { origin, pathname } = new URL(url);
		return origin + pathname;
	} catch {
		return url;
	}
}

function withoutDuplicates(subscriptions: Subscription[]): Subscription[] {
	return subscriptions.filter((s, i) => subscriptions.findIndex((t) => sameSubscription(s, t)) === i);
}

/** "Call Completed at https://…/webhook: <reason>", one per leftover. */
export function describeLeftovers(leftovers: Leftover[]): string {
	return leftovers
		.map(({ subscription, reason }) => `${eventName(subscription.type)} at ${address(subscription.url)}: ${reason}`)
		.join('; ');
}

/** Tries to remove every subscription; returns the ones Thoughtly did not let go of. */
async function removeAll(this: IHookFunctions, subscriptions: Subscription[]): Promise<Leftover[]> {
	const leftovers: Leftover[] = [];
	for (const subscription of subscriptions) {
		try {
			await unsubscribe.call(this, subscription);
		} catch (error) {
			leftovers.push({ subscription, reason: (error as Error).message });
		}
	}
	return leftovers;
}

/**
 * Removes the subscriptions of Contact → Call's Wait for Call to End that point at this n8n
 * (the address of `ownUrl`) and whose wait is over. They are left behind when n8n resumes an
 * execution at its time limit (it does so without running the node), or when a waiting
 * execution is cancelled or deleted. Every Call-and-Wait run and every trigger activation
 * removes them, so none outlives its execution by more than its wait limit for long. Answers
 * the subscriptions that are left.
 */
export async function removeExpiredWaits(
	this: ThoughtlyContext,
	subscriptions: Subscription[],
	ownUrl: string,
): Promise<Subscription[]> {
	const left: Subscription[] = [];
	for (const subscription of subscriptions) {
		if (isExpiredWait(subscription.url, ownUrl)) await unsubscribe.call(this, subscription);
		else left.push(subscription);
	}
	return left;
}

/**
 * Whether Thoughtly holds exactly the subscriptions this node wants. Every other subscription of
 * this node is removed: those recorded in its static data whatever their URL (left by a
 * deactivation that failed, maybe under another N8N_WEBHOOK_URL) and those Thoughtly lists for
 * this node's webhook URL (a replaced secret, events no longer selected, lost static data). When
 * the wanted set is incomplete, the rest is removed too so that `create` starts clean and
 * nothing is subscribed twice. A leftover that cannot be removed stays recorded and fails the
 * activation, so that no call data keeps going to an old address unnoticed.
 */
export async function reconcile(this: IHookFunctions, scope: SubscriptionScope, webhookUrl: string): Promise<boolean> {
	const state = readState(this);
	const secret = state.webhookUrl === webhookUrl ? state.secret : undefined;
	const wanted = secret ? wantedSubscriptions(scope, webhookUrl, secret) : [];
	// Expired waits of Contact → Call (Wait for Call to End) on this n8n go in the same pass.
	const all = await removeExpiredWaits.call(this, await listSubscriptions.call(this), webhookUrl);
	const listed = all.filter((s) => pointsAt(s.url, webhookUrl));

	const complete = wanted.length > 0 && wanted.every((w) => listed.some((l) => sameSubscription(l, w)));
	const keep = complete ? wanted : [];
	const unwanted = withoutDuplicates([...(state.subscriptions ?? []), ...listed]).filter(
		(s) => !keep.some((k) => sameSubscription(s, k)),
	);
	const leftovers = await removeAll.call(this, unwanted);
	if (!complete) clearState(state);
	state.subscriptions = [...keep, ...leftovers.map((l) => l.subscription)];
	if (leftovers.length) {
		throw new NodeOperationError(
			this.getNode(),
			`Could not remove ${leftovers.length} earlier Thoughtly webhook subscription${leftovers.length === 1 ? '' : 's'} of this trigger`,
			{
				description: `${describeLeftovers(leftovers)}. Thoughtly would keep sending call data there. Activate the workflow again to retry; a subscription you remove in Thoughtly yourself counts as removed.`,
			},
		);
	}
	return complete;
}

/** Thoughtly refused the subscription itself (400), as it does for an event type it does not accept. */
function isRefusal(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '400';
}

/** The error for events Thoughtly refused to subscribe, naming each with Thoughtly's answer. */
function refusedEventsError(
	node: INode,
	refused: Array<{ type: ThoughtlyEvent; reason: string }>,
	leftovers: Leftover[],
): NodeOperationError {
	const names = refused.map((r) => `"${eventName(r.type)}"`);
	const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
	const answers = refused.map((r) => `${r.type}: ${r.reason}`).join('; ');
	const undocumented = refused.some((r) => !SPEC_SUBSCRIBE_EVENTS.includes(r.type))
		? ' Thoughtly\'s API documents subscriptions for Call Completed and Call Transferred only; the folder events and Action Failed may not be available to your team.'
		: '';
	const left = leftovers.length
		? ` These could not be removed again and are removed at the next activation: ${describeLeftovers(leftovers)}.`
		: ' Nothing was left subscribed.';
	return new NodeOperationError(
		node,
		`Thoughtly does not accept the event${names.length === 1 ? '' : 's'} ${list} for this trigger`,
		{
			description: `Thoughtly answered 400 Bad Request (${answers}).${undocumented} Remove ${names.length === 1 ? 'it' : 'them'} from Events and activate again.${left}`,
		},
	);
}

/**
 * Subscribes every wanted event with a new secret. Events the API does not document for
 * subscribe go first: when Thoughtly refuses one (400), the others of them are still tried, so
 * that one activation names every refused event, but the documented ones are not subscribed at
 * all, since the activation fails anyway (and n8n retries it). As for any other failure, what was
 * already subscribed is removed before the error is reported: a failed activation leaves
 * nothing behind.
 */
export async function subscribeAll(this: IHookFunctions, scope: SubscriptionScope, webhookUrl: string): Promise<void> {
	const state = readState(this);
	const secret = newSecret();
	const made: Subscription[] = [];
	const refused: Array<{ type: ThoughtlyEvent; reason: string }> = [];
	state.webhookUrl = webhookUrl;
	state.secret = secret;
	state.subscriptions = made;
	for (const subscription of wantedSubscriptions(scope, webhookUrl, secret)) {
		if (refused.length && isDocumented(subscription.type)) break;
		try {
			await subscribe.call(this, subscription);
		} catch (error) {
			if (isRefusal(error)) {
				refused.push({ type: subscription.type, reason: (error as Error).message });
				continue;
			}
			const leftovers = await undo.call(this, made);
			const failure = asNodeError(this.getNode(), error);
			failure.message = `Could not subscribe to "${eventName(subscription.type)}": ${failure.message}`;
			if (leftovers.length) {
				failure.description = `${failure.description ?? ''} Could not remove again, removed at the next activation: ${describeLeftovers(leftovers)}.`.trim();
			}
			throw failure;
		}
		made.push(subscription);
	}
	if (refused.length) throw refusedEventsError(this.getNode(), refused, await undo.call(this, made));
}

/** Removes what a failed activation subscribed; what cannot be removed stays recorded. */
async function undo(this: IHookFunctions, made: Subscription[]): Promise<Leftover[]> {
	const leftovers = await removeAll.call(this, made);
	readState(this).subscriptions = leftovers.map((l) => l.subscription);
	return leftovers;
}

/**
 * Unsubscribes every recorded subscription. It never throws for what Thoughtly refuses: when a
 * trigger's delete() throws, n8n 2.40 either skips saving the static data and removing its own
 * webhook registration (ActiveWorkflowManager, without the publication service), which loses
 * the record and breaks the next activation, or calls delete() up to three times more (with
 * it). The subscriptions left stay recorded (the next activation removes them) and are returned
 * so that the caller can tell the user.
 */
export async function unsubscribeAll(this: IHookFunctions): Promise<Leftover[]> {
	const state = readState(this);
	const leftovers = await removeAll.call(this, state.subscriptions ?? []);
	clearState(state);
	if (leftovers.length) state.subscriptions = leftovers.map((l) => l.subscription);
	return leftovers;
}
