import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ThoughtlyRequest } from '../../transport';
import { thoughtlyApiRequest } from '../../transport';
import { asRecord, getJsonObject, getRequiredId } from '../../helpers/parameters';
import { agentRLC, contactRLC, listingFrom, toolDescription } from '../common.descriptions';
import { abandonWait, awaitedCallRequest, MAX_WAIT_MINUTES, placeCallToAwait, waitForCalls } from './wait/place';

const properties: INodeProperties[] = [
	toolDescription(
		"Have a Thoughtly voice agent phone a contact now. This rings a real person's phone at once and cannot be taken back. Call only when you were asked to call this person, and only once: after an error, do not try again unless you were told to. Needs the contact's ID (from creating or finding the contact). Returns the queued call; its outcome comes later.",
	),
	{
		...listingFrom(contactRLC, 'searchCallableContacts'),
		description: 'The contact to call. The list shows only contacts with a phone number.',
	},
	{
		...listingFrom(agentRLC, 'searchCallingAgents'),
		description: 'The agent that makes the call. The list leaves out agents whose outbound calling is off.',
	},
	{
		displayName: 'Metadata',
		name: 'metadata',
		type: 'json',
		default: '{}',
		description:
			'Values for this call as a JSON object, e.g. {"appointment_time": "10 AM"}. The agent\'s script uses them as {appointment_time}.',
	},
	{
		displayName: 'Wait for Call to End',
		name: 'waitForCallToEnd',
		type: 'boolean',
		noDataExpression: true,
		default: false,
		description:
			'Whether to pause the workflow until the call has ended and output its outcome, status, duration, recording and transcript. n8n must be reachable from Thoughtly (its webhook URL setting).',
	},
	{
		displayName: 'Limit Wait Time',
		name: 'limitWaitTime',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_WAIT_MINUTES },
		default: 30,
		displayOptions: { show: { waitForCallToEnd: [true] } },
		description:
			'Minutes to wait at most (up to 1440, 24 hours). Calls that have not ended by then are output with status "timedOut".',
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		displayOptions: { show: { waitForCallToEnd: [true] } },
		description:
			'Whether to output one flat item per call, as the Thoughtly Trigger\'s Simplify does, instead of the full Call Completed event',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['call'] } },
	properties,
);

export const sendsOnce = true;

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<ThoughtlyRequest> {
	const contactId = getRequiredId.call(this, 'contactId', itemIndex, 'Contact');
	const agentId = getRequiredId.call(this, 'agentId', itemIndex, 'Agent');
	const metadata = getJsonObject.call(
		this,
		this.getNodeParameter('metadata', itemIndex, ''),
		itemIndex,
		'Metadata',
	);
	if (waits.call(this)) return await awaitedCallRequest.call(this, itemIndex, { contactId, agentId, metadata });
	const body: IDataObject = { contact_id: contactId, interview_id: agentId };
	if (metadata && Object.keys(metadata).length) body.metadata = metadata;
	return { method: 'POST', endpoint: '/contact/call', body, itemIndex };
}

/**
 * Places a call. Never repeated after a failure (see the transport): a repeat could ring twice.
 * With Wait for Call to End, the call's subscription is made first (see wait/place.ts).
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	request: ThoughtlyRequest,
): Promise<IDataObject> {
	if (waits.call(this)) return await placeCallToAwait.call(this, itemIndex, request);
	return asRecord(await thoughtlyApiRequest.call(this, request), { success: true });
}

function waits(this: IExecuteFunctions): boolean {
	return this.getNodeParameter('waitForCallToEnd', 0, false) as boolean;
}

/** After every item: with Wait for Call to End, the execution waits for the calls. */
export async function finish(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	return waits.call(this) ? await waitForCalls.call(this, items) : [items];
}

/** When the node fails, the subscriptions of its awaited calls go: nothing will wait for them. */
export async function abandon(this: IExecuteFunctions): Promise<void> {
	if (waits.call(this)) await abandonWait.call(this);
}
