import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ThoughtlyRequest } from '../../transport';
import { thoughtlyApiRequest } from '../../transport';
import { asRecord } from '../../helpers/parameters';
import { dataField, eventField, subscriptionBody, urlField } from './common';
import { toolDescription } from '../common.descriptions';

const properties: INodeProperties[] = [
	toolDescription(
		'Stop Thoughtly sending an event to a URL. Workflows that wait for these events, such as a Thoughtly Trigger, stop receiving them. Give the event, URL and data exactly as subscribed.',
	),
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

/** Removing twice removes nothing more: a DELETE may be sent again. */
export const sendsOnce = false;

/** Thoughtly knows a subscription by (event, URL, data), not by an ID. */
export function prepare(this: IExecuteFunctions, itemIndex: number): ThoughtlyRequest {
	const body = subscriptionBody.call(this, itemIndex);
	return { method: 'DELETE', endpoint: '/webhooks/unsubscribe', body, itemIndex };
}

export async function execute(
	this: IExecuteFunctions,
	_itemIndex: number,
	request: ThoughtlyRequest,
): Promise<IDataObject> {
	return asRecord(await thoughtlyApiRequest.call(this, request), { ...request.body, removed: true });
}
