/**
 * Request spacing through the real transport, in n8n's engine against the simulator, at a low
 * Requests per Minute and a simulator counting a minute-long window the way Thoughtly does.
 * A minute costs no real time: the node's waits skip ahead on a clock shared with the simulator
 * (see skippingClock).
 */
import { skippingClock } from '../../helpers/skippingClock';
import type { LoggedRequest } from '../../simulator';
import { api } from '../../simulator/testkit';
import { useThoughtly } from './fixture';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: async (ms: number) => await require('../../helpers/skippingClock').skippingClock.sleep(ms),
}));
skippingClock.install();

const LIMIT = 5;
const WINDOW_MS = 60_000;
const t = useThoughtly({ rateLimit: LIMIT, windowMs: WINDOW_MS });

beforeEach(() => {
	// Whatever an earlier test counted, in the node or in the simulator, is long gone.
	skippingClock.skip(10 * WINDOW_MS);
	skippingClock.clearWaits();
});

const phones = (n: number) => Array.from({ length: n }, (_, i) => `+1415555${String(2000 + i)}`);

async function createContacts(numbers: string[]) {
	const credential = await t.addCredential({ requestsPerMinute: LIMIT });
	return await t.run(
		{ resource: 'contact', operation: 'create', phoneNumber: '={{ $json.phone }}', additionalFields: {} },
		numbers.map((phone) => ({ phone })),
		{ credential },
	);
}

const arrivedAt = (request: LoggedRequest) => Date.parse(request.at);

it('spaces 12 creates at 5 per minute so that none is refused, even when the first one arrives late', async () => {
	// The first request reaches Thoughtly a second after it left: its window starts a second late.
	t.sim.injectFault({ kind: 'delay', delayMs: 1_000, count: 1 });
	const numbers = phones(12);
	const result = await createContacts(numbers);

	expect(result.error).toBeUndefined();
	const requests = t.sim.requests();
	expect(requests.map((r) => r.status)).toEqual(numbers.map(() => 200));
	expect(requests.map((r) => (r.body as { phone_number: string }).phone_number)).toEqual(numbers);
	// By the simulator's clock, no 6 requests arrived within one minute.
	const arrivals = requests.map(arrivedAt);
	for (let i = LIMIT; i < arrivals.length; i++) {
		expect(arrivals[i] - arrivals[i - LIMIT]).toBeGreaterThanOrEqual(WINDOW_MS);
	}
	// The node did wait: 12 requests at 5 per minute need two whole windows.
	expect(arrivals[arrivals.length - 1] - arrivals[0]).toBeGreaterThanOrEqual(2 * WINDOW_MS);
});

it('a 429 from another tool sharing the token costs only the pause Thoughtly asked for', async () => {
	// Another tool uses the whole minute's allowance; 50 s later the node starts.
	for (let i = 0; i < LIMIT; i++) expect((await api(t.sim.url, '/user')).status).toBe(200);
	const otherToolStarted = arrivedAt(t.sim.requests()[0]);
	skippingClock.skip(50_000);
	t.sim.clearRequests();

	const numbers = phones(5);
	const result = await createContacts(numbers);

	expect(result.error).toBeUndefined();
	const requests = t.sim.requests();
	expect(requests.map((r) => r.status)).toEqual([429, ...numbers.map(() => 200)]);
	expect(requests.slice(1).map((r) => (r.body as { phone_number: string }).phone_number)).toEqual(numbers);
	// Nothing was sent again before Thoughtly's window ended…
	for (const request of requests.slice(1)) {
		expect(arrivedAt(request)).toBeGreaterThanOrEqual(otherToolStarted + WINDOW_MS);
	}
	// …and the node waited only as long as Thoughtly asked (at most 10 s), not for its own window.
	expect(skippingClock.waited()).toBeGreaterThan(0);
	expect(skippingClock.waited()).toBeLessThanOrEqual(10_000);
});
