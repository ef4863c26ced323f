/**
 * A burst larger than Thoughtly's rate limit, in n8n's engine against a simulator with a small
 * limit (4 requests per minute per token) and a credential that does not space its requests:
 * the node waits out every 429 as Retry-After says and ends with every item done exactly once.
 * The minutes cost no real time (see skippingClock), and the burst meets the limit however slow
 * the machine is.
 */
import { skippingClock } from '../../helpers/skippingClock';
import { SEED } from '../../simulator';
import { byId, useThoughtly } from './fixture';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: async (ms: number) => await require('../../helpers/skippingClock').skippingClock.sleep(ms),
}));
skippingClock.install();

const t = useThoughtly({ rateLimit: 4, windowMs: 60_000 });

beforeEach(() => skippingClock.skip(10 * 60_000));

function team() {
	return t.sim.state().teams[SEED.teamId];
}

it('creates 10 contacts through 429s, each exactly once, in input order', async () => {
	const phones = Array.from({ length: 10 }, (_, i) => `+1415555${String(1000 + i)}`);
	const result = await t.run(
		{
			resource: 'contact',
			operation: 'create',
			phoneNumber: '={{ $json.phone }}',
			additionalFields: { name: '={{ $json.name }}' },
		},
		phones.map((phone, i) => ({ phone, name: `Lead ${i}` })),
	);

	expect(result.error).toBeUndefined();
	const requests = t.sim.requests();
	// 4 per window; the 5th of each is refused, and sent again when Thoughtly's window ends.
	expect(requests.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 200, 200, 200, 200, 429, 200, 200]);
	// Every 429 was answered before Thoughtly acted: each contact was created by exactly one 200.
	const created = requests.filter((r) => r.status === 200).map((r) => (r.body as { phone_number: string }).phone_number);
	expect(created).toEqual(phones);
	for (const phone of phones) {
		expect(team().contacts.filter((c) => c.phone_number === phone)).toHaveLength(1);
	}
	expect(result.items.map((item) => [item.json.phone_number, item.pairedItem])).toEqual(
		phones.map((phone, i) => [phone, { item: i }]),
	);
});

it('places 6 calls through 429s without ringing anyone twice', async () => {
	const contacts = [
		SEED.contacts.averyLee,
		SEED.contacts.jordanPatel,
		SEED.contacts.mariaGonzalez,
		SEED.contacts.chenWei,
		SEED.contacts.priyaRaman,
		SEED.contacts.averyLee,
	];
	// Use up most of this minute's allowance first, so the calls meet the limit.
	await t.run({ resource: 'user', operation: 'get' }, [{}, {}, {}]);
	t.sim.clearRequests();

	const result = await t.run(
		{
			resource: 'contact',
			operation: 'call',
			contactId: byId('={{ $json.contact }}'),
			agentId: byId(SEED.agents.salesQualifier),
			metadata: '={{ { "n": $json.n } }}',
		},
		contacts.map((contact, n) => ({ contact, n })),
	);

	expect(result.error).toBeUndefined();
	const requests = t.sim.requests();
	expect(requests.map((r) => r.status)).toEqual([200, 429, 200, 200, 200, 200, 429, 200]);
	const queued = team().calls.filter((c) => c.status === 'queued');
	expect(queued.map((c) => [c.contact_id, c.metadata])).toEqual(contacts.map((contact, n) => [contact, { n }]));
	expect(result.items.map((item) => item.json.call_id)).toEqual(queued.map((c) => c.id));
});
