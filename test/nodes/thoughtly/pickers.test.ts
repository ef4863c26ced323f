/**
 * Contact → Call's pickers offer only what can be called: contacts with a phone number, and
 * agents that can place outbound calls. The other operations' pickers still list everything.
 * The lists run through n8n's LoadOptionsContext against the simulator.
 */
import type { INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { SEED } from '../../simulator';
import { useThoughtly } from './fixture';

const t = useThoughtly();

let description: INodeTypeDescription;
beforeAll(() => {
	description = t.n8n.types.getByNameAndVersion('n8n-nodes-thoughtly.thoughtly').description;
});

/** The list method of the picker `name` that the editor shows for this resource and operation. */
function listMethodOf(name: string, resource: string, operation: string): string | undefined {
	const property = description.properties.find(
		(p: INodeProperties) =>
			p.name === name &&
			p.displayOptions?.show?.resource?.includes(resource) &&
			p.displayOptions.show.operation?.includes(operation),
	);
	return property?.modes?.find((m) => m.name === 'list')?.typeOptions?.searchListMethod;
}

/** Opens the picker as the editor does: the method the description names, with the node's parameters. */
async function openPicker(name: string, parameters: INodeParameters, filter?: string) {
	const method = listMethodOf(name, parameters.resource as string, parameters.operation as string);
	if (!method) throw new Error(`No list for ${name} in ${parameters.resource} → ${parameters.operation}`);
	return await t.n8n.listSearch({
		type: 'thoughtly',
		method,
		credentials: { thoughtlyApi: t.credential },
		parameters,
		filter,
	});
}

const CALL = { resource: 'contact', operation: 'call' };

describe('Contact → Call', () => {
	it('lists only contacts with a phone number, asking Thoughtly for them', async () => {
		const result = await openPicker('contactId', CALL);

		expect(t.sent()).toEqual([
			{
				method: 'GET',
				path: '/contact',
				query: { phone_numbers_only: 'true', page: '0', limit: '50' },
				body: undefined,
			},
		]);
		const values = result.results.map((r) => r.value);
		expect(values).toHaveLength(SEED.counts.contactsWithPhone);
		expect(values).not.toContain(SEED.contacts.chatVisitor);
		expect(result.results).toContainEqual({ name: 'Avery Lee (+14155550123)', value: SEED.contacts.averyLee });
	});

	it('keeps the callable filter when searching', async () => {
		const robin = await openPicker('contactId', CALL, 'robin');
		expect(t.sent()[0].query).toEqual({ phone_numbers_only: 'true', search: 'robin', page: '0', limit: '50' });
		expect(robin.results).toEqual([]);

		t.sim.clearRequests();
		const avery = await openPicker('contactId', CALL, 'avery');
		expect(avery.results).toEqual([{ name: 'Avery Lee (+14155550123)', value: SEED.contacts.averyLee }]);
	});

	it('leaves out agents whose outbound calling is off', async () => {
		const result = await openPicker('agentId', CALL);

		expect(t.sent()).toEqual([
			{ method: 'GET', path: '/interview', query: { sort: 'title_asc', page: '0', limit: '50' }, body: undefined },
		]);
		expect(result).toEqual({
			results: [
				{ name: 'Appointment Reminder', value: SEED.agents.appointmentReminder },
				{ name: 'Sales Qualifier', value: SEED.agents.salesQualifier },
			],
			paginationToken: undefined,
		});
	});
});

describe('other operations keep the full lists', () => {
	it.each([
		['contact', 'get'],
		['contact', 'delete'],
	])('%s → %s lists every contact, also those without a number', async (resource, operation) => {
		const result = await openPicker('contactId', { resource, operation });
		expect(t.sent()[0].query).toEqual({ page: '0', limit: '50' });
		expect(result.results.map((r) => r.value)).toContain(SEED.contacts.chatVisitor);
		expect(result.results).toHaveLength(SEED.counts.contacts);
	});

	it('call → Get Many lists every active agent, outbound calling or not', async () => {
		const result = await openPicker('agentId', { resource: 'call', operation: 'getMany' });
		expect(result.results.map((r) => r.value)).toContain(SEED.agents.outboundDisabled);
	});
});
