import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { thoughtlyApiRequest } from '../../transport';
import { asRecord } from '../../helpers/parameters';
import { dataField, eventField, subscriptionBody, urlField } from './common';

const properties: INodeProperties[] = [
	{ ...eventField, description: 'The event of the subscription to remove' },
	{ ...urlField, description: 'The address of the subscription to remove' },
	{
		...dataField,
		description:
			'The data the subscription was made with (an agent or folder ID), or empty if it was made without',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['unsubscribe'] } },
	properties,
);

/** Thoughtly knows a subscription by (event, URL, data), not by an ID. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const body = subscriptionBody.call(this, itemIndex);
	const data = await thoughtlyApiRequest.call(this, {
		method: 'DELETE',
		endpoint: '/webhooks/unsubscribe',
		body,
		itemIndex,
	});
	return asRecord(data, { ...body, removed: true });
}
