/**
 * Paging: Return All reads until the list is exhausted with the fewest requests (pages of 50),
 * Limit stops as soon as it is reached; and the resource locators' searchable, paged lists,
 * run through n8n's LoadOptionsContext.
 */
import type { IDataObject } from 'n8n-workflow';

import { bulkContact } from '../../simulator/seed';
import { SEED } from '../../simulator';
import { useThoughtly } from './fixture';

const t = useThoughtly();

/** Team one's contacts in the order GET /contact serves them by default (newest first). */
function contactsNewestFirst(): IDataObject[] {
	const contacts = [...t.sim.state().teams[SEED.teamId].contacts];
	contacts.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
	return contacts as unknown as IDataObject[];
}

describe('Return All', () => {
	it('reads 120 contacts in 3 requests of 50 and outputs one item per contact', async () => {
		t.sim.seedContacts(114); // 6 seeded + 114 = 120
		const result = await t.run({ resource: 'contact', operation: 'getMany', returnAll: true, filters: {} });

		expect(t.sent().map((r) => r.query)).toEqual([
			{ page: '0', limit: '50' },
			{ page: '1', limit: '50' },
			{ page: '2', limit: '50' },
		]);
		expect(result.items).toHaveLength(120);
		expect(result.items.map((item) => item.json)).toEqual(contactsNewestFirst());
		expect(new Set(result.items.map((item) => item.json.id)).size).toBe(120);
		expect(new Set(result.items.map((item) => JSON.stringify(item.pairedItem)))).toEqual(new Set(['{"item":0}']));
	});

	it('stops after a full last page when the total says the list is exhausted', async () => {
		t.sim.seedContacts(94); // exactly 100
		const result = await t.run({ resource: 'contact', operation: 'getMany', returnAll: true, filters: {} });
		expect(t.sent()).toHaveLength(2);
		expect(result.items).toHaveLength(100);
	});

	it('keeps the filters on every page', async () => {
		t.sim.seedContacts(130);
		const result = await t.run({
			resource: 'contact',
			operation: 'getMany',
			returnAll: true,
			filters: { tags: 'even, lead' },
		});
		// 65 even bulk contacts + 3 seeded leads
		expect(result.items).toHaveLength(68);
		expect(t.sent().map((r) => r.query)).toEqual([
			{ tags: ['even', 'lead'], page: '0', limit: '50' },
			{ tags: ['even', 'lead'], page: '1', limit: '50' },
		]);
	});
});

describe('Limit', () => {
	it('asks for just the limit when it fits in one page', async () => {
		t.sim.seedContacts(114);
		const result = await t.run({ resource: 'contact', operation: 'getMany', returnAll: false, limit: 7, filters: {} });
		expect(t.sent().map((r) => r.query)).toEqual([{ page: '0', limit: '7' }]);
		expect(result.items.map((item) => item.json)).toEqual(contactsNewestFirst().slice(0, 7));
	});

	it('stops as soon as the limit is reached across pages', async () => {
		t.sim.seedContacts(114);
		const result = await t.run({ resource: 'contact', operation: 'getMany', returnAll: false, limit: 60, filters: {} });
		expect(t.sent().map((r) => r.query)).toEqual([
			{ page: '0', limit: '50' },
			{ page: '1', limit: '50' },
		]);
		expect(result.items.map((item) => item.json)).toEqual(contactsNewestFirst().slice(0, 60));
	});

	it('returns fewer than the limit when the list is shorter', async () => {
		const result = await t.run({ resource: 'agent', operation: 'getMany', returnAll: false, limit: 10, filters: {} });
		expect(t.sent().map((r) => r.query)).toEqual([{ page: '0', limit: '10' }]);
		expect(result.items).toHaveLength(SEED.counts.activeAgents);
	});
});

describe('resource locator lists', () => {
	const search = (method: string, filter?: string, paginationToken?: string) =>
		t.n8n.listSearch({
			type: 'thoughtly',
			method,
			credentials: { thoughtlyApi: t.credential },
			parameters: { resource: 'contact', operation: 'call' },
			filter,
			paginationToken,
		});

	it('lists agents by title, A to Z, with names shown', async () => {
		const result = await search('searchAgents');
		expect(t.sent()).toEqual([
			{ method: 'GET', path: '/interview', query: { sort: 'title_asc', page: '0', limit: '50' }, body: undefined },
		]);
		expect(t.sim.requests()[0].headers['x-api-token']).toBe(SEED.apiToken);
		expect(result).toEqual({
			results: [
				{ name: 'Appointment Reminder', value: SEED.agents.appointmentReminder },
				{ name: 'Inbound Support Line', value: SEED.agents.outboundDisabled },
				{ name: 'Sales Qualifier', value: SEED.agents.salesQualifier },
			],
			paginationToken: undefined,
		});
	});

	it('filters agents on Thoughtly with the search text', async () => {
		const result = await search('searchAgents', 'remind');
		expect(t.sent()[0].query).toEqual({ sort: 'title_asc', search: 'remind', page: '0', limit: '50' });
		expect(result.results).toEqual([{ name: 'Appointment Reminder', value: SEED.agents.appointmentReminder }]);
	});

	it('lists contacts with their names and numbers, and pages on', async () => {
		t.sim.seedContacts(70); // 76 contacts: two pages
		const first = await search('searchContacts');
		expect(first.results).toHaveLength(50);
		const expected = contactsNewestFirst();
		expect(first.paginationToken).toBe(`1:${expected[0].id}`);
		expect(first.results.map((r) => r.value)).toEqual(expected.slice(0, 50).map((c) => c.id));
		// Seeded contacts are the newest: the web-chat visitor (no number), then Priya Raman.
		expect(first.results.slice(0, 2)).toEqual([
			{ name: 'Robin Chatfield (robin.chatfield@example.org)', value: SEED.contacts.chatVisitor },
			{ name: 'Priya Raman (+14155550142)', value: SEED.contacts.priyaRaman },
		]);

		const second = await search('searchContacts', undefined, first.paginationToken as string);
		expect(second.paginationToken).toBeUndefined();
		expect(second.results.map((r) => r.value)).toEqual(expected.slice(50).map((c) => c.id));
		const oldest = bulkContact(1);
		expect(second.results.at(-1)).toEqual({ name: `${oldest.name} (${oldest.phone_number})`, value: oldest.id });
		expect(t.sent().map((r) => r.query)).toEqual([
			{ page: '0', limit: '50' },
			{ page: '1', limit: '50' },
		]);
	});

	it('filters contacts with the search text and shows the email when there is no number', async () => {
		const result = await search('searchContacts', ' robin ');
		expect(t.sent()[0].query).toEqual({ search: 'robin', page: '0', limit: '50' });
		expect(result).toEqual({
			results: [{ name: 'Robin Chatfield (robin.chatfield@example.org)', value: SEED.contacts.chatVisitor }],
			paginationToken: undefined,
		});
	});

	it('pages through a filtered search', async () => {
		t.sim.seedContacts(120); // 120 bulk contacts, all named "Bulk Contact …"
		const first = await search('searchContacts', 'Bulk');
		const second = await search('searchContacts', 'Bulk', first.paginationToken as string);
		const third = await search('searchContacts', 'Bulk', second.paginationToken as string);
		const ids = [...first.results, ...second.results, ...third.results].map((r) => r.value);
		expect([first.paginationToken, second.paginationToken, third.paginationToken]).toEqual([
			`1:${ids[0]}`,
			`2:${ids[50]}`,
			undefined,
		]);
		expect(ids).toEqual(
			Array.from({ length: 120 }, (_, i) => bulkContact(120 - i).id),
		);
	});
});
