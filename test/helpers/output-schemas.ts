/**
 * The action node's output schemas (`nodes/Thoughtly/__schema__/v1.0.0/<resource>/<operation>.json`),
 * which n8n's editor shows in the next node before the first run. They are derived from what
 * each operation really outputs: every operation runs once in n8n-core's engine against the
 * simulator, and the schema describes the types of all its items. `npm run schemas` writes them;
 * test/nodes/editor/schemas.test.ts fails when they no longer match.
 */
import path from 'node:path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { SEED, startSimulator } from '../simulator';
import { startN8n } from './n8n';

export const SCHEMA_DIR = path.resolve(__dirname, '../../nodes/Thoughtly/__schema__/v1.0.0');

/** A JSON schema as n8n's own `__schema__` files write it: types only. */
export interface OutputSchema {
	type: string | string[];
	properties?: Record<string, OutputSchema>;
	items?: OutputSchema | Record<string, never>;
}

const pick = (value: string) => ({ __rl: true, mode: 'list', value });

/**
 * One run per operation, in this order against one simulator (the webhook list is read while
 * the subscription made before it exists). Records with every optional field filled in.
 */
export const SAMPLE_RUNS: Array<{ resource: string; operation: string; parameters: INodeParameters }> = [
	{ resource: 'agent', operation: 'getMany', parameters: { returnAll: true, filters: { includeArchived: true } } },
	{
		resource: 'automation',
		operation: 'trigger',
		parameters: { automationId: SEED.automations.leadIntake, payload: '{"lead": "Avery Lee"}', options: {} },
	},
	{
		resource: 'call',
		operation: 'getMany',
		parameters: { agentId: pick(SEED.agents.salesQualifier), returnAll: true, filters: {} },
	},
	{
		resource: 'contact',
		operation: 'call',
		parameters: {
			contactId: pick(SEED.contacts.averyLee),
			agentId: pick(SEED.agents.salesQualifier),
			metadata: '{"campaign": "spring"}',
		},
	},
	{
		resource: 'contact',
		operation: 'create',
		parameters: {
			phoneNumber: '+14155550199',
			additionalFields: {
				name: 'Sam Rivera',
				email: 'sam.rivera@example.com',
				countryCode: 'US',
				tags: 'lead',
				attributes: '{"company": "Acme"}',
			},
		},
	},
	{ resource: 'contact', operation: 'get', parameters: { contactId: pick(SEED.contacts.averyLee) } },
	{ resource: 'contact', operation: 'getMany', parameters: { returnAll: true, filters: {} } },
	{ resource: 'contact', operation: 'delete', parameters: { contactId: pick(SEED.contacts.chenWei) } },
	{ resource: 'user', operation: 'get', parameters: {} },
	{
		resource: 'webhook',
		operation: 'subscribe',
		parameters: { event: 'NEW_RESPONSE', url: 'https://example.com/hooks/thoughtly', data: SEED.agents.salesQualifier },
	},
	{ resource: 'webhook', operation: 'getMany', parameters: {} },
	{
		resource: 'webhook',
		operation: 'unsubscribe',
		parameters: { event: 'NEW_RESPONSE', url: 'https://example.com/hooks/thoughtly', data: SEED.agents.salesQualifier },
	},
];

/** `contact/getMany.json` → the schema of what Contact → Get Many output, item by item. */
export async function generateOutputSchemas(): Promise<Record<string, OutputSchema>> {
	const n8n = await startN8n();
	const sim = await startSimulator({ port: 0, callCompletionDelayMs: 60_000 });
	try {
		const credential = await n8n.addCredentials('thoughtlyApi', {
			apiToken: sim.apiToken,
			teamId: sim.teamId,
			baseUrl: sim.url,
			requestsPerMinute: 100_000,
		});
		const schemas: Record<string, OutputSchema> = {};
		for (const { resource, operation, parameters } of SAMPLE_RUNS) {
			const result = await n8n.runNode({
				type: 'thoughtly',
				parameters: { resource, operation, ...parameters },
				credentials: { thoughtlyApi: credential },
			});
			if (result.error) throw new Error(`${resource} → ${operation} failed: ${result.error.message}`);
			if (result.items.length === 0) throw new Error(`${resource} → ${operation} output nothing`);
			schemas[`${resource}/${operation}.json`] = schemaOf(result.items.map((item) => item.json));
		}
		return schemas;
	} finally {
		await sim.stop();
	}
}

/** The schema of a set of values: their types, object properties and array items merged. */
export function schemaOf(values: unknown[]): OutputSchema {
	const present = values.filter((v) => v !== undefined);
	const types = [...new Set(present.map(typeOf))].sort();
	const schema: OutputSchema = { type: types.length === 1 ? types[0] : types };
	const objects = present.filter((v): v is IDataObject => typeOf(v) === 'object');
	if (objects.length) {
		const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))].sort();
		schema.properties = Object.fromEntries(keys.map((key) => [key, schemaOf(objects.map((o) => o[key]))]));
	}
	const arrays = present.filter((v): v is unknown[] => Array.isArray(v));
	if (arrays.length) {
		const elements = arrays.flat();
		schema.items = elements.length ? schemaOf(elements) : {};
	}
	return schema;
}

function typeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value;
}
