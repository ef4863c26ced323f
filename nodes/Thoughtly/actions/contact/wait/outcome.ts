import type { IDataObject } from 'n8n-workflow';

import { simplifyCall } from '../../../../ThoughtlyTrigger/simplify';
import { CORRELATION_FIELD } from './waitUrl';

/** What the node knows of one awaited call before it ends (kept in the waiting execution). */
export interface PlacedCall extends IDataObject {
	status: 'timedOut';
	callEnded: false;
	callId: string | null;
	agentId: string;
	contactId: string;
}

/** Whether an item is a call still awaited (what the node puts out while the execution waits). */
export function isAwaited(json: IDataObject): json is PlacedCall {
	return json.status === 'timedOut' && json.callEnded === false;
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The node's correlation key, found in either payload shape (`custom_fields` or `metadata`). */
export function correlationKeyOf(payload: IDataObject): string | undefined {
	for (const holder of [payload.custom_fields, payload.metadata, (payload.call as IDataObject | undefined)?.metadata]) {
		if (isObject(holder) && typeof holder[CORRELATION_FIELD] === 'string') return holder[CORRELATION_FIELD];
	}
	return undefined;
}

/** The payload without the node's key, so the output shows only the user's own metadata. */
function withoutKey(payload: IDataObject): IDataObject {
	const copy: IDataObject = { ...payload };
	for (const name of ['custom_fields', 'metadata']) {
		const holder = copy[name];
		if (isObject(holder) && CORRELATION_FIELD in holder) {
			const { [CORRELATION_FIELD]: _key, ...rest } = holder;
			copy[name] = rest;
		}
	}
	return copy;
}

/** A call that ended, from its Call Completed delivery: Simplify's form, or the payload in full. */
export function endedCall(payload: IDataObject, simplify: boolean): IDataObject {
	const clean = withoutKey(payload);
	const json: IDataObject = simplify ? simplifyCall(clean, 'NEW_RESPONSE') : clean;
	return { ...json, callEnded: true };
}

/**
 * A call that ended before the last one, read back from the agent's calls (`GET
 * /interview/{agent}/responses`): its record carries the call's fields, transcript and metadata,
 * so it is given the delivery's catalog shape before it is simplified.
 */
export function endedCallFromRecord(record: IDataObject, simplify: boolean): IDataObject {
	const clean = withoutKey(record);
	if (!simplify) return { ...clean, callEnded: true };
	const payload: IDataObject = {
		call: clean,
		transcript: clean.transcript as IDataObject[],
		custom_fields: isObject(clean.metadata) ? clean.metadata : {},
	};
	return { ...simplifyCall(payload, 'NEW_RESPONSE'), callEnded: true };
}
