import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ThoughtlyRequest } from '../../transport';
import { thoughtlyApiRequest } from '../../transport';
import { asRecord, getRequiredId, pathId } from '../../helpers/parameters';
import { contactRLC, toolDescription } from '../common.descriptions';

const properties: INodeProperties[] = [
	toolDescription(
		"Delete a Thoughtly contact, permanently. This cannot be undone: the contact and everything stored with it are gone. Use it only when you were asked to delete this contact. Needs the contact's ID.",
	),
	{ ...contactRLC, description: 'The contact to delete. This cannot be undone.' },
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['delete'] } },
	properties,
);

/** Deleting twice deletes nothing more: a DELETE may be sent again. */
export const sendsOnce = false;

export function prepare(this: IExecuteFunctions, itemIndex: number): ThoughtlyRequest {
	const contactId = getRequiredId.call(this, 'contactId', itemIndex, 'Contact');
	return { method: 'DELETE', endpoint: `/contact/${pathId(contactId)}`, itemIndex };
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	request: ThoughtlyRequest,
): Promise<IDataObject> {
	const contactId = getRequiredId.call(this, 'contactId', itemIndex, 'Contact');
	return asRecord(await thoughtlyApiRequest.call(this, request), { id: contactId, deleted: true });
}
