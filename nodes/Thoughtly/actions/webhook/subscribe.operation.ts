import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { thoughtlyApiRequest } from '../../transport';
import { asRecord } from '../../helpers/parameters';
import { dataField, eventField, subscriptionBody, urlField } from './common';

const properties: INodeProperties[] = [eventField, urlField, dataField];

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['subscribe'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const body = subscriptionBody.call(this, itemIndex);
	const data = await thoughtlyApiRequest.call(this, {
		method: 'POST',
		endpoint: '/webhooks/subscribe',
		body,
		itemIndex,
	});
	return asRecord(data, body);
}
