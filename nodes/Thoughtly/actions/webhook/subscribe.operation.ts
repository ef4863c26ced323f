import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ThoughtlyRequest } from '../../transport';
import { thoughtlyApiRequest } from '../../transport';
import { asRecord } from '../../helpers/parameters';
import { dataField, eventField, subscriptionBody, urlField } from './common';

const properties: INodeProperties[] = [eventField, urlField, dataField];

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
