import type { INodeProperties } from 'n8n-workflow';

import * as trigger from './trigger.operation';

export { trigger };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['automation'] } },
		options: [
			{
				name: 'Trigger',
				value: 'trigger',
				description: 'Start an automation that has a Webhook trigger',
				action: 'Trigger an automation',
			},
		],
		default: 'trigger',
	},
	...trigger.description,
];
