import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { thoughtlyApiRequest } from '../../transport';
import { asRecord } from '../../helpers/parameters';
import { toolDescription } from '../common.descriptions';

const properties: INodeProperties[] = [
	toolDescription(
		'Get the Thoughtly user this connection acts as: name, email and team ID. Read-only.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const data = await thoughtlyApiRequest.call(this, { method: 'GET', endpoint: '/user', itemIndex });
	return asRecord(data, {});
}
