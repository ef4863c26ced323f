import type { INodeProperties } from 'n8n-workflow';

import * as call from './call.operation';
import * as create from './create.operation';
import * as deleteContact from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { call, create, deleteContact as delete, get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Call',
				value: 'call',
				description: 'Have an agent call the contact now',
				action: 'Call a contact',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Create a contact that agents can call',
				action: 'Create a contact',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a contact permanently',
				action: 'Delete a contact',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a contact by ID',
				action: 'Get a contact',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List contacts, with filters',
				action: 'Get many contacts',
			},
		],
		default: 'create',
	},
	...call.description,
	...create.description,
	...deleteContact.description,
	...get.description,
	...getMany.description,
];
