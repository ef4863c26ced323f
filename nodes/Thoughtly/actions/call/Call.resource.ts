import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: "List an agent's calls, with their outcome and transcript",
				action: 'Get many calls',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
