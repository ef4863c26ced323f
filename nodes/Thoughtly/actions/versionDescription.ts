import type { INodeProperties } from 'n8n-workflow';

import * as agent from './agent/Agent.resource';
import * as automation from './automation/Automation.resource';
import * as call from './call/Call.resource';
import * as contact from './contact/Contact.resource';
import * as user from './user/User.resource';
import * as webhook from './webhook/Webhook.resource';

/**
 * The fields of version 1: the resource, then each resource's operations and their fields. The
 * rest of the description (name, icon, credentials) stays in Thoughtly.node.ts, where n8n's
 * community package scanner reads it.
 */
export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Agent', value: 'agent' },
			{ name: 'Automation', value: 'automation' },
			{ name: 'Call', value: 'call' },
			{ name: 'Contact', value: 'contact' },
			{ name: 'User', value: 'user' },
			{ name: 'Webhook', value: 'webhook' },
		],
		default: 'contact',
	},
	...agent.description,
	...automation.description,
	...call.description,
	...contact.description,
	...user.description,
	...webhook.description,
];

/**
 * The canvas subtitle, "Get Many: Contact": the operation and resource as the UI names them,
 * looked up from the options above (n8n would otherwise show the values, `getMany: contact`).
 */
export const subtitle = `={{ (${JSON.stringify(subtitles())})[$parameter["resource"] + ":" + $parameter["operation"]] }}`;

function subtitles(): Record<string, string> {
	const names: Record<string, string> = {};
	const resources = properties.find((p) => p.name === 'resource')?.options ?? [];
	for (const resource of resources) {
		if (!('value' in resource)) continue;
		const operations = properties.find(
			(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource.value),
		);
		for (const operation of operations?.options ?? []) {
			if ('value' in operation) names[`${resource.value}:${operation.value}`] = `${operation.name}: ${resource.name}`;
		}
	}
	return names;
}
