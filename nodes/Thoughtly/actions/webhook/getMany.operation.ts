import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { thoughtlyApiRequestList } from '../../transport';
import { toolDescription } from '../common.descriptions';

const properties: INodeProperties[] = [
	toolDescription(
		"List the team's webhook subscriptions: which Thoughtly events are sent to which URLs. Read-only.",
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	return await thoughtlyApiRequestList.call(this, {
		endpoint: '/webhooks',
		listKey: 'webhooks',
		itemIndex,
	});
}
