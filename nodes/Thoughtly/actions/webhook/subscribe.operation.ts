import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ThoughtlyRequest } from '../../transport';
import { thoughtlyApiRequest } from '../../transport';
import { asRecord } from '../../helpers/parameters';
import { dataField, eventField, subscriptionBody, urlField } from './common';
import { toolDescription } from '../common.descriptions';

const properties: INodeProperties[] = [
	toolDescription(
		'Have Thoughtly send an event, such as every completed call with its transcript, to a URL. Call data then leaves Thoughtly for that address: subscribe only to URLs you were given.',
	),
	eventField,
	urlField,
	dataField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['subscribe'] } },
	properties,
);

export const sendsOnce = true;

export function prepare(this: IExecuteFunctions, itemIndex: number): ThoughtlyRequest {
	const body = subscriptionBody.call(this, itemIndex);
	return { method: 'POST', endpoint: '/webhooks/subscribe', body, itemIndex };
}

export async function execute(
	this: IExecuteFunctions,
	_itemIndex: number,
	request: ThoughtlyRequest,
): Promise<IDataObject> {
	return asRecord(await thoughtlyApiRequest.call(this, request), request.body ?? {});
}
