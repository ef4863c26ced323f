/**
 * Input that would reach the wrong place, or be sent in a form Thoughtly cannot read, is refused
 * (or put right) before anything is sent: IDs that are dot segments or hold control characters,
 * Limits that are not whole numbers, addresses with a space in the host, numbers where text is
 * expected, and UK numbers written with the trunk "(0)".
 */
import type { IDataObject } from 'n8n-workflow';

import { SEED } from '../../simulator';
import { byId, useThoughtly } from './fixture';

const t = useThoughtly();

const getContact = (id: string) => ({ resource: 'contact', operation: 'get', contactId: byId(id) });

describe('IDs that would send the request elsewhere', () => {
	it.each([
		['.', 'contact get', getContact('.')],
		['..', 'contact get', getContact('..')],
		['%2e%2E', 'contact delete', { resource: 'contact', operation: 'delete', contactId: byId('%2e%2E') }],
		['.%2e', 'contact get', getContact('.%2e')],
	])('%s (%s) is refused, naming the field and the item', async (id, _, parameters) => {
		const { error } = await t.run(parameters);
		expect(error?.message).toBe(`Contact "${id}" is not an ID [item 0]`);
		expect(error?.description).toMatch(/only of dots/);
		expect(t.sim.requests()).toEqual([]);
	});

	it('an agent ".." on call get-many (would become GET /responses) is refused', async () => {
		const { error } = await t.run({
			resource: 'call',
			operation: 'getMany',
			agentId: byId('={{ $json.agent }}'),
			returnAll: true,
			filters: {},
		}, [{ agent: SEED.agents.salesQualifier }, { agent: '..' }]);
		expect(error?.message).toBe('Agent ".." is not an ID [item 1]');
		expect(t.sent().map((r) => r.path)).toEqual([`/interview/${SEED.agents.salesQualifier}/responses`]);
	});

	it.each([
		['..', '..'],
		['https://api.thoughtly.com/webhook/automation/%2e%2e', '..'],
		['https://api.thoughtly.com/webhook/automation/.', '.'],
	])('an automation ID %s is refused', async (automationId, shown) => {
		const { error } = await t.run({ resource: 'automation', operation: 'trigger', automationId, payload: '{}' });
		expect(error?.message).toBe(`Automation ID "${shown}" is not an ID [item 0]`);
		expect(t.sim.requests()).toEqual([]);
	});

	it('an ID with a control character is refused', async () => {
		const { error } = await t.run(getContact('={{ $json.id }}'), [{ id: 'cnt_1\n' + 'x' }]);
		expect(error?.message).toBe('Contact "cnt_1\\nx" is not an ID [item 0]');
		expect(error?.description).toMatch(/control character/);
		expect(t.sim.requests()).toEqual([]);
	});

	it('an ID with a lone surrogate gets an error naming the field, not "URI malformed"', async () => {
		const { error } = await t.run(getContact('={{ $json.id }}'), [{ id: 'cnt_\uD800x' }]);
		expect(error?.message).toBe('Contact "cnt_\\ud800x" is not an ID [item 0]');
		expect(error?.description).toMatch(/cannot be sent/);
		expect(t.sim.requests()).toEqual([]);
	});

	it('a pasted automation URL with a malformed escape gets an error naming the field', async () => {
		const { error } = await t.run({
			resource: 'automation',
			operation: 'trigger',
			automationId: 'https://api.thoughtly.com/webhook/automation/aut_%E0%A4%A',
			payload: '{}',
		});
		expect(error?.message).toBe('Automation ID "aut_%E0%A4%A" is not an ID [item 0]');
		expect(error?.description).toMatch(/escape/);
		expect(t.sim.requests()).toEqual([]);
	});

	it('dots inside an ID are fine', async () => {
		await t.run(getContact('cnt.1..2'), [{}], { continueOnFail: true });
		expect(t.sent().map((r) => r.path)).toEqual(['/contact/cnt.1..2']);
	});
});

describe('Limit from an expression', () => {
	const contacts = (limit: IDataObject['limit']) => ({
		parameters: { resource: 'contact', operation: 'getMany', returnAll: false, limit: '={{ $json.limit }}', filters: {} },
		input: [{ limit }],
	});

	it.each([
		['NaN', NaN],
		['"abc"', 'abc'],
		['2.5', 2.5],
		['0', 0],
		['-1', -1],
	])('%s is refused with an error naming Limit', async (_, limit) => {
		const { parameters, input } = contacts(limit);
		const { error } = await t.run(parameters, input);
		expect(error?.message).toMatch(/^Limit must be a whole number of 1 or more, not .+ \[item 0\]$/);
		expect(t.sim.requests()).toEqual([]);
	});

	it('a number given as text is used', async () => {
		const { parameters, input } = contacts('3');
		const result = await t.run(parameters, input);
		expect(t.sent().map((r) => r.query)).toEqual([{ page: '0', limit: '3' }]);
		expect(result.items).toHaveLength(3);
	});
});

describe('subscribe URL', () => {
	it.each(['https://exa mple.com/x', 'https://example.com/a b', 'https://exa\tmple.com/x', 'https://'])(
		'%j is refused',
		async (url) => {
			const { error } = await t.run({ resource: 'webhook', operation: 'subscribe', event: 'NEW_RESPONSE', url, data: '' });
			expect(error?.message).toBe(`URL "${url.trim()}" is not an http(s) address [item 0]`);
			expect(t.sim.requests()).toEqual([]);
		},
	);
});

describe('contact fields from expressions', () => {
	it('numbers for name, email and country code are sent as text', async () => {
		await t.run(
			{
				resource: 'contact',
				operation: 'create',
				phoneNumber: '+14155550160',
				additionalFields: { name: '={{ $json.name }}', email: '={{ $json.email }}', countryCode: '={{ $json.cc }}' },
			},
			[{ name: 12345, email: 42, cc: 44 }],
			{ continueOnFail: true },
		);
		// Thoughtly then judges the text (it refuses "42" as an email address); nothing is dropped.
		expect(t.sent().map((r) => r.body)).toEqual([
			{ phone_number: '+14155550160', name: '12345', email: '42', country_code: '44' },
		]);
	});

	it('an object for the name is refused, naming the field', async () => {
		const { error } = await t.run(
			{ resource: 'contact', operation: 'create', phoneNumber: '+14155550160', additionalFields: { name: '={{ $json.name }}' } },
			[{ name: { first: 'Avery' } }],
		);
		expect(error?.message).toBe('Name must be text, not an object [item 0]');
		expect(t.sim.requests()).toEqual([]);
	});
});

describe('phone numbers written with the trunk (0)', () => {
	it.each([
		['+44 (0)20 7946 0958', '+442079460958'],
		['+44(0)20 7946 0958', '+442079460958'],
		['+49 (0) 30 901820', '+4930901820'],
	])('%s is sent as %s', async (phoneNumber, sent) => {
		const result = await t.run({ resource: 'contact', operation: 'create', phoneNumber, additionalFields: {} });
		expect(result.error).toBeUndefined();
		expect(t.sent().map((r) => (r.body as IDataObject).phone_number)).toEqual([sent]);
	});
});
