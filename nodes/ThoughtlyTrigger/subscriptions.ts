import { randomBytes, timingSafeEqual } from 'crypto';
import type { IDataObject, IHookFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { thoughtlyApiRequest } from '../Thoughtly/transport';
import type { ThoughtlyEvent } from './events';
import { eventScope, eventName, isThoughtlyEvent } from './events';

/** One webhook subscription as Thoughtly identifies it: by type, URL and data, not by an ID. */
export interface Subscription {
	type: ThoughtlyEvent;
	url: string;
	data?: string;
}

/**
 * What the trigger keeps in the node's static data: the webhook URL it subscribed, the secret it
 * put into it, and the subscriptions it made (so deactivation knows what to remove).
 */
export interface TriggerState {
	webhookUrl?: string;
	secret?: string;
	subscriptions?: Subscription[];
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

export function newSecret(): string {
	return randomBytes(32).toString('hex');
}

/** Compares secrets in constant time, so the answer's timing says nothing about the secret. */
export function secretsMatch(received: unknown, expected: string | undefined): boolean {
	if (typeof received !== 'string' || !expected) return false;
	const a = Buffer.from(received);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

/** This node's webhook URL with the event and the secret as query parameters. */
export function subscriptionUrl(webhookUrl: string, event: ThoughtlyEvent, secret: string): string {
	const url = new URL(webhookUrl);
	url.searchParams.set(EVENT_QUERY_PARAMETER, event);
	url.searchParams.set(SECRET_QUERY_PARAMETER, secret);
	return url.toString();
}

/** Same scheme, host, port and path: a URL this node subscribed, whatever its query. */
export function pointsAt(url: string, webhookUrl: string): boolean {
	try {
		const a = new URL(url);
		const b = new URL(webhookUrl);
		const path = (u: URL) => u.pathname.replace(/\/+$/, '');
		return a.origin === b.origin && path(a) === path(b);
	} catch {
		return false;
	}
}

export function sameSubscription(a: Subscription, b: Subscription): boolean {
	return a.type === b.type && a.url === b.url && (a.data ?? '') === (b.data ?? '');
}

export interface SubscriptionScope {
	events: ThoughtlyEvent[];
	agentId?: string;
	folderId?: string;
}

/** The subscriptions the node's parameters ask for, one per event. */
export function wantedSubscriptions(scope: SubscriptionScope, webhookUrl: string, secret: string): Subscription[] {
	return scope.events.map((type) => {
		const subscription: Subscription = { type, url: subscriptionUrl(webhookUrl, type, secret) };
		const data = eventScope(type) === 'folder' ? scope.folderId : scope.agentId;
		if (data) subscription.data = data;
		return subscription;
	});
}

/** Every subscription of the credential's team (GET /webhooks). */
export async function listSubscriptions(this: IHookFunctions): Promise<Subscription[]> {
	const data = await thoughtlyApiRequest.call(this, { method: 'GET', endpoint: '/webhooks' });
	// Thoughtly nests lists under a key named after the records; a bare list is read as well.
	const list = Array.isArray(data) ? data : (data as IDataObject | null)?.webhooks;
	if (!Array.isArray(list)) {
		throw new NodeOperationError(this.getNode(), 'Thoughtly answered GET /webhooks without a list of webhooks', {
			description: `The answer was: ${JSON.stringify(data).slice(0, 300)}`,
		});
	}
	const subscriptions: Subscription[] = [];
	for (const entry of list as IDataObject[]) {
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

export async function subscribe(this: IHookFunctions, subscription: Subscription): Promise<void> {
	const body: IDataObject = { type: subscription.type, url: subscription.url };
	if (subscription.data !== undefined) body.data = subscription.data;
	await thoughtlyApiRequest.call(this, { method: 'POST', endpoint: '/webhooks/subscribe', body });
}

/**
 * Removes one subscription, named exactly as it was subscribed. `data` is left out when there was
 * none: Thoughtly refuses a null. A 404 means it is already gone, which is what was wanted.
 */
export async function unsubscribe(this: IHookFunctions, subscription: Subscription): Promise<'removed' | 'gone'> {
	const body: IDataObject = { type: subscription.type, url: subscription.url };
	if (subscription.data !== undefined) body.data = subscription.data;
	try {
		await thoughtlyApiRequest.call(this, { method: 'DELETE', endpoint: '/webhooks/unsubscribe', body });
		return 'removed';
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') return 'gone';
		throw asNodeError(this.getNode(), error);
	}
}

/**
 * Whether Thoughtly holds exactly the subscriptions this node wants. Subscriptions that point at
 * this node's webhook URL but are not wanted (left by a deactivation that failed, by a secret
 * that was replaced, by events no longer selected) are removed; when the wanted set is incomplete,
 * the rest is removed too so that `create` starts clean and nothing is subscribed twice.
 */
export async function reconcile(this: IHookFunctions, scope: SubscriptionScope, webhookUrl: string): Promise<boolean> {
	const state = readState(this);
	const secret = state.webhookUrl === webhookUrl ? state.secret : undefined;
	const wanted = secret ? wantedSubscriptions(scope, webhookUrl, secret) : [];
	const ours = (await listSubscriptions.call(this)).filter((s) => pointsAt(s.url, webhookUrl));

	const complete = wanted.length > 0 && wanted.every((w) => ours.some((o) => sameSubscription(o, w)));
	const toRemove = complete ? ours.filter((o) => !wanted.some((w) => sameSubscription(o, w))) : ours;
	for (const subscription of toRemove) {
		await unsubscribe.call(this, subscription);
	}
	if (complete) {
		state.subscriptions = wanted;
		return true;
	}
	clearState(state);
	return false;
}

/**
 * Subscribes every wanted event with a new secret. If Thoughtly refuses one, those already made
 * are removed again before the error is reported, so a failed activation leaves nothing behind
 * (and what cannot be removed now is found by the next activation's check).
 */
export async function subscribeAll(this: IHookFunctions, scope: SubscriptionScope, webhookUrl: string): Promise<void> {
	const state = readState(this);
	const secret = newSecret();
	const made: Subscription[] = [];
	state.webhookUrl = webhookUrl;
	state.secret = secret;
	state.subscriptions = made;
	for (const subscription of wantedSubscriptions(scope, webhookUrl, secret)) {
		try {
			await subscribe.call(this, subscription);
		} catch (error) {
			const undone = await Promise.allSettled(made.map(async (m) => await unsubscribe.call(this, m)));
			state.subscriptions = made.filter((_, i) => undone[i].status === 'rejected');
			const failure = asNodeError(this.getNode(), error);
			failure.message = `Could not subscribe to "${eventName(subscription.type)}": ${failure.message}`;
			throw failure;
		}
		made.push(subscription);
	}
}

/**
 * Unsubscribes what activation subscribed. Every subscription is tried; failures are reported
 * together and the ones left stay in the static data (the next activation removes them).
 */
export async function unsubscribeAll(this: IHookFunctions): Promise<void> {
	const state = readState(this);
	const recorded = state.subscriptions ?? [];
	const left: Subscription[] = [];
	const problems: string[] = [];
	for (const subscription of recorded) {
		try {
			await unsubscribe.call(this, subscription);
		} catch (error) {
			left.push(subscription);
			problems.push(`${eventName(subscription.type)}: ${(error as Error).message}`);
		}
	}
	if (left.length === 0) {
		clearState(state);
		return;
	}
	state.subscriptions = left;
	throw new NodeOperationError(
		this.getNode(),
		`Could not remove ${left.length} of ${recorded.length} Thoughtly webhook subscriptions`,
		{
			description: `${problems.join('; ')}. They are found and removed the next time this workflow is activated.`,
		},
	);
}
