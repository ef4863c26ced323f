import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { thoughtlyApiRequest } from '../../transport';
import { asRecord, getRequiredId, pathId } from '../../helpers/parameters';
import { contactRLC, toolDescription } from '../common.descriptions';

const properties: INodeProperties[] = [
	toolDescription(
		'Get one Thoughtly contact by its ID: name, phone number, email, tags and attributes. Read-only.',
	),
	{ ...contactRLC, description: 'The contact to get' },
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const contactId = getRequiredId.call(this, 'contactId', itemIndex, 'Contact');
	const data = await thoughtlyApiRequest.call(this, {
		method: 'GET',
		endpoint: `/contact/${pathId(contactId)}`,
		itemIndex,
	});
	return asRecord(data, { id: contactId });
}
