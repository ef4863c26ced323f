import type { IDataObject } from 'n8n-workflow';

import { pathId } from '../Thoughtly/helpers/parameters';
import type { ThoughtlyContext } from '../Thoughtly/transport';
import { thoughtlyApiRequest } from '../Thoughtly/transport';
import type { SimplifiedCall } from './simplify';

/**
 * How long the contact lookup may take. Thoughtly does not retry a delivery, and n8n answers
 * it only once the trigger has returned, so a slow lookup must not hold up the answer.
 */
const CONTACT_LOOKUP_TIMEOUT_MS = 2_000;

/** What the item says about the lookup of the contact's name and phone number. */
export interface ContactLookup {
	/**
	 * `found`: looked up in Thoughtly; `not needed`: the event carried them; `failed`: the item
	 * was delivered without them, `contactLookupError` says why.
	 */
	contactLookup: 'found' | 'not needed' | 'failed';
	contactLookupError: string | null;
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** Thoughtly answers with the contact itself; a contact nested under `contact` is read too. */
function contactOf(data: unknown): IDataObject {
	if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
	const nested = (data as IDataObject).contact;
	return nested && typeof nested === 'object' && !Array.isArray(nested) ? (nested as IDataObject) : (data as IDataObject);
}

function failed(call: SimplifiedCall, reason: string): SimplifiedCall & ContactLookup {
	return {
		...call,
		contactLookup: 'failed',
		contactLookupError: `Delivered without the contact's name and phone number. ${reason}`,
	};
}

/**
 * Fills in the contact's name and phone number when the event names only the contact's ID,
 * with one `GET /contact/{id}` counted against the credential's Requests per Minute. The request
 * is left out when the token's request window has no room now, and given two seconds: the item
 * is delivered either way, and says when it comes without the details and why.
 */
export async function addContactDetails(
	this: ThoughtlyContext,
	call: SimplifiedCall,
): Promise<SimplifiedCall & ContactLookup> {
	if (call.contactName !== null && call.contactPhoneNumber !== null) {
		return { ...call, contactLookup: 'not needed', contactLookupError: null };
	}
	if (call.contactId === null) return failed(call, 'The event does not name the contact.');
	let data: unknown;
	try {
		data = await thoughtlyApiRequest.call(this, {
			method: 'GET',
			endpoint: `/contact/${pathId(call.contactId)}`,
			immediate: { timeoutMs: CONTACT_LOOKUP_TIMEOUT_MS },
		});
	} catch (error) {
		return failed(call, (error as Error).message);
	}
	const contact = contactOf(data);
	return {
		...call,
		contactName: call.contactName ?? text(contact.name),
		contactPhoneNumber: call.contactPhoneNumber ?? text(contact.phone_number),
		contactLookup: 'found',
		contactLookupError: null,
	};
}
