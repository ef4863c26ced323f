import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as subscribe from './subscribe.operation';
import * as unsubscribe from './unsubscribe.operation';

export { getMany, subscribe, unsubscribe };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['webhook'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: "List the team's webhook subscriptions",
				action: 'Get many webhook subscriptions',
			},
			{
				name: 'Subscribe',
				value: 'subscribe',
				description: 'Have Thoughtly send an event to a URL',
				action: 'Subscribe to an event',
			},
			{
				name: 'Unsubscribe',
				value: 'unsubscribe',
				description: 'Stop Thoughtly sending an event to a URL',
				action: 'Unsubscribe from an event',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...subscribe.description,
	...unsubscribe.description,
];
