import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ThoughtlyRequest } from '../../transport';
import { thoughtlyApiRequest } from '../../transport';
import { asRecord, getJsonObject, getRequiredId } from '../../helpers/parameters';
import { agentRLC, contactRLC, listingFrom, toolDescription } from '../common.descriptions';

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
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['call'] } },
	properties,
);

export const sendsOnce = true;

export function prepare(this: IExecuteFunctions, itemIndex: number): ThoughtlyRequest {
	const contactId = getRequiredId.call(this, 'contactId', itemIndex, 'Contact');
	const agentId = getRequiredId.call(this, 'agentId', itemIndex, 'Agent');
	const metadata = getJsonObject.call(
		this,
		this.getNodeParameter('metadata', itemIndex, ''),
		itemIndex,
		'Metadata',
	);
	const body: IDataObject = { contact_id: contactId, interview_id: agentId };
	if (metadata && Object.keys(metadata).length) body.metadata = metadata;
	return { method: 'POST', endpoint: '/contact/call', body, itemIndex };
}

/** Places a call. Never repeated after a failure (see the transport): a repeat could ring twice. */
export async function execute(
	this: IExecuteFunctions,
	_itemIndex: number,
	request: ThoughtlyRequest,
): Promise<IDataObject> {
	return asRecord(await thoughtlyApiRequest.call(this, request), { success: true });
}
