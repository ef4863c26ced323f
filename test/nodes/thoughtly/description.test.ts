/**
 * The node as n8n loads it (n8n-core's package loader, from package.json): its identity, and its
 * parameters per operation, which are public interface (saved workflows refer to them by name).
 */
import type { INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { startN8n } from '../../helpers/n8n';

let description: INodeTypeDescription;
let nodeType: INodeType;

beforeAll(async () => {
	const n8n = await startN8n();
	nodeType = n8n.types.getByNameAndVersion('n8n-nodes-thoughtly.thoughtly');
	description = nodeType.description;
});

it('is the Thoughtly node, version 1, usable as an AI tool, with the Thoughtly credential', () => {
	expect(description).toMatchObject({
		name: 'thoughtly',
		displayName: 'Thoughtly',
		version: 1,
		usableAsTool: true,
		credentials: [{ name: 'thoughtlyApi', required: true }],
		inputs: ['main'],
		outputs: ['main'],
	});
});

it('has light and dark icons, resolved by the loader to files in the package', () => {
	expect(description.iconUrl).toEqual({
		light: 'icons/n8n-nodes-thoughtly/dist/nodes/Thoughtly/thoughtly.svg',
		dark: 'icons/n8n-nodes-thoughtly/dist/nodes/Thoughtly/thoughtly.dark.svg',
	});
});

it('carries its codex: categories and documentation', () => {
	expect(description.codex).toEqual({
		categories: ['Communication', 'Sales'],
		alias: ['voice agent', 'AI calling', 'phone call', 'outbound call'],
		resources: {
			primaryDocumentation: [{ url: 'https://www.npmjs.com/package/n8n-nodes-thoughtly#the-thoughtly-node' }],
			credentialDocumentation: [
				{ url: 'https://www.npmjs.com/package/n8n-nodes-thoughtly#credential-thoughtly-api' },
			],
		},
	});
});

/** The table: resource → operation → the parameters shown (collections with their fields). */
const table: Record<string, Record<string, string[]>> = {
	agent: {
		getMany: ['returnAll', 'limit', 'filters(includeArchived,search,sort,status)'],
	},
	automation: {
		trigger: ['automationId', 'payload', 'options(webhookVerification)'],
	},
	call: {
		getMany: ['agentId', 'returnAll', 'limit', 'filters(jobId,search,statuses,tags)'],
	},
	contact: {
		call: ['contactId', 'agentId', 'metadata', 'waitForCallToEnd', 'limitWaitTime', 'simplify'],
		create: ['phoneNumber', 'additionalFields(attributes,countryCode,email,name,tags)'],
		delete: ['contactId'],
		get: ['contactId'],
		getMany: ['returnAll', 'limit', 'filters(excludedTags,phoneNumbersOnly,search,sort,sortDirection,tags)'],
	},
	user: { get: [] },
	webhook: {
		getMany: [],
		subscribe: ['event', 'url', 'data'],
		unsubscribe: ['event', 'url', 'data'],
	},
};

/** In a workflow's node; the tool's own description (shown only in "Thoughtly Tool") is tested in tool.test.ts. */
function shownFor(resource: string, operation: string): string[] {
	return description.properties
		.filter((p) => p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions.show.operation?.includes(operation))
		.filter((p) => p.displayOptions?.show?.['@tool']?.[0] !== true)
		.map((p) =>
			p.type === 'collection'
				? `${p.name}(${(p.options as INodeProperties[]).map((o) => o.name).join(',')})`
				: p.name,
		);
}

it('offers exactly the resources and operations of the table, each with an action text', () => {
	const resource = description.properties.find((p) => p.name === 'resource');
	expect(resource?.options?.map((o) => ('value' in o ? o.value : undefined))).toEqual(Object.keys(table));

	for (const [name, operations] of Object.entries(table)) {
		const operation = description.properties.find(
			(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(name),
		);
		const options = (operation?.options ?? []) as Array<{ value: string; action?: string }>;
		expect(options.map((o) => o.value).sort()).toEqual(Object.keys(operations).sort());
		for (const option of options) expect(option.action).toMatch(/^[A-Z][a-z]/);
	}
});

it.each(Object.entries(table).flatMap(([r, ops]) => Object.entries(ops).map(([o, params]) => [r, o, params] as const)))(
	'%s → %s shows %j',
	(resource, operation, params) => {
		expect(shownFor(resource, operation)).toEqual(params);
	},
);

it('lets agents and contacts be picked from a searchable list or entered by ID', () => {
	// Contact → Call lists only what can be called (pickers.test.ts).
	const methods = {
		agentId: { method: 'searchAgents', callMethod: 'searchCallingAgents', uses: 2 },
		contactId: { method: 'searchContacts', callMethod: 'searchCallableContacts', uses: 3 },
	};
	for (const [name, { method, callMethod, uses }] of Object.entries(methods)) {
		const properties = description.properties.filter((p) => p.name === name);
		// Agent: call get-many and contact call; Contact: contact call, delete and get.
		expect(properties).toHaveLength(uses);
		for (const property of properties) {
			const isCall = property.displayOptions?.show?.operation?.includes('call');
			expect(property.type).toBe('resourceLocator');
			expect(property.modes?.map((m) => m.name)).toEqual(['list', 'id']);
			expect(property.modes?.[0].typeOptions).toEqual({
				searchListMethod: isCall ? callMethod : method,
				searchable: true,
			});
		}
	}
	expect(Object.keys(nodeType.methods?.listSearch ?? {}).sort()).toEqual([
		'searchAgents',
		'searchCallableContacts',
		'searchCallingAgents',
		'searchContacts',
	]);
});

it('offers all five webhook events to subscribe and unsubscribe', () => {
	for (const operation of ['subscribe', 'unsubscribe']) {
		const event = description.properties.find(
			(p) => p.name === 'event' && p.displayOptions?.show?.operation?.includes(operation),
		);
		expect((event?.options as Array<{ value: string }>).map((o) => o.value).sort()).toEqual([
			'ACTION_FAILED',
			'FOLDER_NEW_RESPONSE',
			'FOLDER_PHONE_TRANSFER',
			'NEW_RESPONSE',
			'PHONE_TRANSFER',
		]);
	}
});

describe('Thoughtly Polling Trigger', () => {
	let polling: INodeType;

	beforeAll(async () => {
		polling = (await startN8n()).types.getByNameAndVersion('n8n-nodes-thoughtly.thoughtlyPollingTrigger');
	});

	it('is a polling trigger, version 1, with the Thoughtly credential and never an AI tool', () => {
		expect(polling.description).toMatchObject({
			name: 'thoughtlyPollingTrigger',
			displayName: 'Thoughtly Polling Trigger',
			documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-thoughtly#the-thoughtly-polling-trigger-node',
			version: 1,
			polling: true,
			group: ['trigger'],
			credentials: [{ name: 'thoughtlyApi', required: true }],
			inputs: [],
			outputs: ['main'],
		});
		expect(polling.description.usableAsTool).toBeUndefined();
		expect(polling.description.webhooks).toBeUndefined();
		expect(typeof polling.poll).toBe('function');
	});

	it('has the icons and a codex of its own', () => {
		expect(polling.description.iconUrl).toEqual({
			light: 'icons/n8n-nodes-thoughtly/dist/nodes/Thoughtly/thoughtly.svg',
			dark: 'icons/n8n-nodes-thoughtly/dist/nodes/Thoughtly/thoughtly.dark.svg',
		});
		expect(polling.description.codex).toEqual({
			categories: ['Communication', 'Sales'],
			alias: ['Thoughtly', 'voice agent', 'AI call', 'call completed', 'phone call', 'polling'],
			resources: {
				primaryDocumentation: [
					{ url: 'https://www.npmjs.com/package/n8n-nodes-thoughtly#the-thoughtly-polling-trigger-node' },
				],
				credentialDocumentation: [
					{ url: 'https://www.npmjs.com/package/n8n-nodes-thoughtly#credential-thoughtly-api' },
				],
			},
		});
	});

	it("shows n8n's Poll Times, the Call Completed event, the action node's Agent picker (All Agents by default) and Simplify", () => {
		const properties = polling.description.properties;
		expect(properties.map((p) => p.name)).toEqual(['pollTimes', 'event', 'agentId', 'simplify']);
		expect(properties[0]).toMatchObject({ type: 'fixedCollection', default: { item: [{ mode: 'everyMinute' }] } });
		expect((properties[1].options as Array<{ value: string }>).map((o) => o.value)).toEqual(['NEW_RESPONSE']);
		const agent = properties[2];
		const actionAgent = description.properties.find((p) => p.name === 'agentId')!;
		expect(agent.modes).toEqual(actionAgent.modes);
		expect(agent.default).toEqual({ mode: 'list', value: 'all', cachedResultName: 'All Agents' });
		expect(Object.keys(polling.methods?.listSearch ?? {})).toEqual(['searchAgents']);
	});
});

it('waits for calls only when asked: Wait for Call to End off, 30 minutes up to 24 hours, simplified output', () => {
	const field = (name: string) =>
		description.properties.find((p) => p.name === name && p.displayOptions?.show?.operation?.includes('call'));
	expect(field('waitForCallToEnd')).toMatchObject({ type: 'boolean', default: false, noDataExpression: true });
	expect(field('limitWaitTime')).toMatchObject({
		type: 'number',
		default: 30,
		typeOptions: { minValue: 1, maxValue: 1440 },
		displayOptions: { show: { waitForCallToEnd: [true] } },
	});
	expect(field('simplify')).toMatchObject({ type: 'boolean', default: true, displayOptions: { show: { waitForCallToEnd: [true] } } });
});

it('has only a restart webhook, which n8n serves while an execution waits and never registers', () => {
	expect(description.webhooks).toEqual([
		{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
	]);
	expect(typeof nodeType.webhook).toBe('function');
	expect(nodeType.webhookMethods).toBeUndefined();
});
