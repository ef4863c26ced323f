import { createHmac, randomBytes } from 'crypto';

import { secretsMatch } from '../../../helpers/secrets';

/**
 * What a Call-and-Wait subscription's URL carries besides n8n's resume URL (which holds the
 * execution and its resume token): the run's correlation key, and when the wait ends. A
 * waiting webhook cannot store anything in n8n (waiting-webhooks.js saves nothing unless the
 * execution resumes), so whatever a delivery must know travels in the URL Thoughtly calls.
 */
export const WAIT_KEY_PARAMETER = 'thoughtlyWait';
export const WAIT_UNTIL_PARAMETER = 'thoughtlyUntil';

/** Where the node's key goes in the call's metadata: no agent script uses a name like this. */
export const CORRELATION_FIELD = 'n8n_call_and_wait';

/**
 * A run's key: a random part and its HMAC under the credential's API token, bound to the
 * execution. The waiting webhook accepts only keys it can check this way: n8n 1.x checks no
 * resume token on a waiting webhook and Thoughtly signs no delivery, so without it anyone who
 * guessed the execution's URL could end the wait with an invented outcome.
 */
export function newRunKey(secret: string, executionId: string): string {
	const nonce = randomBytes(12).toString('hex');
	return nonce + keyMac(secret, executionId, nonce);
}

/** One item's correlation key: the run's key and the item's index. */
export function itemKey(runKey: string, itemIndex: number): string {
	return `${runKey}.${itemIndex}`;
}

const ITEM_KEY = /^([0-9a-f]{24})([0-9a-f]{32})\.(\d{1,9})$/;

/** The item index of a key the node made for this execution with this token; undefined for any other. */
export function ownItemIndex(key: string, secret: string, executionId: string): number | undefined {
	const match = ITEM_KEY.exec(key);
	if (!match) return undefined;
	const [, nonce, mac, index] = match;
	return secretsMatch(mac, keyMac(secret, executionId, nonce)) ? Number(index) : undefined;
}

function keyMac(secret: string, executionId: string, nonce: string): string {
	return createHmac('sha256', secret).update(`${executionId}:${nonce}`).digest('hex').slice(0, 32);
}

/** n8n's resume URL for this node (`…/webhook-waiting/<execution>/<node ID>?signature=…`) plus the wait's own parameters. */
export function waitUrl(resumeUrl: string, nodeId: string, key: string, until: number): string {
	const url = new URL(resumeUrl);
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(nodeId)}`;
	url.searchParams.set(WAIT_KEY_PARAMETER, key);
	url.searchParams.set(WAIT_UNTIL_PARAMETER, String(until));
	return url.toString();
}

export interface WaitUrlParts {
	key: string;
	until: number;
	url: URL;
}

/** The wait's parameters of a subscribed URL; undefined for any other URL. */
export function readWaitUrl(value: string): WaitUrlParts | undefined {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return undefined;
	}
	const key = url.searchParams.get(WAIT_KEY_PARAMETER);
	const until = Number(url.searchParams.get(WAIT_UNTIL_PARAMETER));
	if (!key || !Number.isFinite(until)) return undefined;
	return { key, until, url };
}

/** Same n8n execution: the same address, path and resume token, whatever the item. */
export function sameWait(a: URL, b: URL): boolean {
	return (
		a.origin === b.origin &&
		a.pathname === b.pathname &&
		a.searchParams.get('signature') === b.searchParams.get('signature') &&
		runOf(a.searchParams.get(WAIT_KEY_PARAMETER)) === runOf(b.searchParams.get(WAIT_KEY_PARAMETER))
	);
}

function runOf(key: string | null): string | undefined {
	return key?.split('.')[0];
}

/**
 * Whether a subscribed URL is a Call-and-Wait's that points at this n8n (the address of
 * `ownUrl`) and whose wait is over: n8n has resumed or ended its execution by then.
 */
export function isExpiredWait(url: string, ownUrl: string, now = Date.now()): boolean {
	const wait = readWaitUrl(url);
	return wait !== undefined && wait.url.origin === new URL(ownUrl).origin && wait.until <= now;
}
