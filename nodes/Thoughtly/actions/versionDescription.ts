import type { INodeProperties } from 'n8n-workflow';

import { resources } from './resources';

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
		options: Object.entries(resources).map(([value, { displayName }]) => ({ name: displayName, value })),
		default: 'contact',
	},
	...Object.values(resources).flatMap(({ module }) => module.description),
];

/**
 * The canvas subtitle, "Get Many: Contact": the operation and resource as the UI names them,
 * looked up from the options above (n8n would otherwise show the values, `getMany: contact`).
 */
export const subtitle = `={{ (${JSON.stringify(subtitles())})[$parameter["resource"] + ":" + $parameter["operation"]] }}`;

function subtitles(): Record<string, string> {
	const names: Record<string, string> = {};
	for (const [resource, { displayName, module }] of Object.entries(resources)) {
		const operations = module.description.find((p) => p.name === 'operation');
		for (const operation of operations?.options ?? []) {
			if ('value' in operation) names[`${resource}:${operation.value}`] = `${operation.name}: ${displayName}`;
		}
	}
	return names;
}
