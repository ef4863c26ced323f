/**
 * `npm run bench`: speed and memory targets of the package, measured in n8n's real engine
 * (n8n-core's WorkflowExecute) against the local simulator. Each case prints what it measured
 * beside its target; the run fails when a target is missed.
 *
 * - Return All over a large list: time per record, and heap growth from one run to the next
 *   (nothing may accumulate across executions), so lists of thousands of contacts stay cheap.
 * - Bulk work at Thoughtly's real limit: 300 creates at 100 per minute against a simulator that
 *   counts a fixed 60-second window from the first request to arrive, as Thoughtly does. The
 *   physical bound is two minutes (the 3rd minute's requests can leave when it starts); the
 *   node must get within 3 % of it without a single 429. This case takes about two minutes.
 * - A rate-limited burst: the credential says 100 per minute but the simulator allows only 10 per
 *   second, so Thoughtly refuses with 429 past its limit; the transport must finish every item
 *   exactly once, close to the time the limit allows, with few refused requests. The window is
 *   compressed so the case runs in seconds.
 *
 * `npm run bench -- <case> …` runs only the named cases (return-all, real-window, burst).
 */
import { performance } from 'node:perf_hooks';

import { startN8n } from '../test/helpers/n8n';
import type { SimulatorHandle } from '../test/simulator';
import { startSimulator } from '../test/simulator';

interface Result {
	name: string;
	measured: string;
	target: string;
	ok: boolean;
}

const results: Result[] = [];
/** What a case saw besides its figures, printed after them. */
const notes: string[] = [];

function record(name: string, value: number, limit: number, unit: string, digits = 3) {
	results.push({
		name,
		measured: `${value.toFixed(digits)} ${unit}`,
		target: `<= ${limit} ${unit}`,
		ok: value <= limit,
	});
}

function heapAfterGc(): number {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (gc) {
		gc();
		gc();
	}
	return process.memoryUsage().heapUsed;
}

async function returnAllLargeList() {
	const records = 5_000;
	const sim = await startSimulator({ port: 0, rateLimit: 1_000_000 });
	const n8n = await startN8n();
	try {
		const credential = await n8n.addCredentials('thoughtlyApi', {
			apiToken: sim.apiToken,
			teamId: sim.teamId,
			baseUrl: sim.url,
			requestsPerMinute: 1_000_000,
		});
		sim.seedContacts(records - 6);
		const run = async () =>
			await n8n.runNode(
				{
					type: 'thoughtly',
					parameters: { resource: 'contact', operation: 'getMany', returnAll: true, filters: {} },
					credentials: { thoughtlyApi: credential },
				},
				[{}],
			);
		// Warm-up: module loading and JIT are not what is measured. Its items stay referenced until
		// the measured run replaces them, so the heap difference below is what one more Return All
		// leaves behind: it stays near zero unless something accumulates from run to run.
		await run();
		sim.clearRequests();

		const before = heapAfterGc();
		const started = performance.now();
		const result = await run();
		const elapsed = performance.now() - started;
		const kept = heapAfterGc() - before;

		if (result.items.length !== records) throw new Error(`expected ${records} items, got ${result.items.length}`);
		const requests = sim.requests().length;
		if (requests !== Math.ceil(records / 50)) throw new Error(`expected ${records / 50} requests, saw ${requests}`);
		record(`Return All, ${records} contacts: time per record`, elapsed / records, 0.5, 'ms');
		record(`Return All, ${records} contacts: heap growth run to run, per record`, kept / records / 1024, 1, 'KiB');
	} finally {
		await sim.stop();
	}
}

/** Creates one contact per phone number in n8n's engine; returns the elapsed seconds and the simulator's log. */
async function createContacts(sim: SimulatorHandle, count: number, requestsPerMinute?: number) {
	const n8n = await startN8n();
	const credential = await n8n.addCredentials('thoughtlyApi', {
		apiToken: sim.apiToken,
		teamId: sim.teamId,
		baseUrl: sim.url,
		...(requestsPerMinute === undefined ? {} : { requestsPerMinute }),
	});
	const input = Array.from({ length: count }, (_, i) => ({
		phone: `+1415555${String(1000 + i).padStart(4, '0')}`,
	}));
	const started = performance.now();
	const result = await n8n.runNode(
		{
			type: 'thoughtly',
			parameters: {
				resource: 'contact',
				operation: 'create',
				phoneNumber: '={{ $json.phone }}',
				additionalFields: {},
			},
			credentials: { thoughtlyApi: credential },
		},
		input,
	);
	const elapsed = (performance.now() - started) / 1000;
	const log = sim.requests();
	const created = log.filter((r) => r.status === 200).length;
	if (result.error) throw new Error(`the creates failed: ${result.error.message}`);
	if (result.items.length !== count || created !== count) {
		throw new Error(`expected ${count} contacts created once each, saw ${created} (${result.items.length} items)`);
	}
	return { elapsed, refused: log.filter((r) => r.status === 429).length, arrivals: log.map((r) => Date.parse(r.at)) };
}

async function realWindow() {
	const items = 300;
	const perMinute = 100;
	const sim = await startSimulator({ port: 0, rateLimit: perMinute, windowMs: 60_000 });
	try {
		const { elapsed, refused, arrivals } = await createContacts(sim, items, perMinute);
		const ideal = (Math.ceil(items / perMinute) - 1) * 60;
		// When each minute's first and last request reached the simulator, from the first arrival.
		const at = (i: number) => ((arrivals[i] - arrivals[0]) / 1000).toFixed(1);
		const minutes = Array.from({ length: Math.ceil(items / perMinute) }, (_, m) => {
			const first = m * perMinute;
			return `${at(first)}-${at(Math.min(first + perMinute, items) - 1)} s`;
		});
		notes.push(`Real window: arrivals by minute ${minutes.join(', ')}; ${elapsed.toFixed(1)} s in all`);
		record(`Real window, ${items} creates at ${perMinute}/min: time over the ideal (${ideal} s)`, elapsed / ideal, 1.03, 'x');
		record(`Real window, ${items} creates at ${perMinute}/min: answers 429`, refused, 0, '', 0);
	} finally {
		await sim.stop();
	}
}

async function rateLimitedBurst() {
	const items = 60;
	const perSecond = 10;
	const sim = await startSimulator({ port: 0, rateLimit: perSecond, windowMs: 1_000 });
	try {
		const { elapsed, refused } = await createContacts(sim, items);
		// Retry-After is whole seconds, so a burst can at best finish in about (items / perSecond) s.
		const ideal = items / perSecond;
		record(`429 burst, ${items} creates at ${perSecond}/s: time over the ideal`, elapsed / ideal, 1.6, 'x');
		record(`429 burst, ${items} creates at ${perSecond}/s: refused requests per item`, refused / items, 0.5, '');
	} finally {
		await sim.stop();
	}
}

const CASES: Record<string, () => Promise<void>> = {
	'return-all': returnAllLargeList,
	'real-window': realWindow,
	burst: rateLimitedBurst,
};

async function main() {
	const chosen = process.argv.slice(2);
	const unknown = chosen.filter((name) => !(name in CASES));
	if (unknown.length) throw new Error(`unknown case ${unknown.join(', ')} (cases: ${Object.keys(CASES).join(', ')})`);
	for (const [name, run] of Object.entries(CASES)) {
		if (!chosen.length || chosen.includes(name)) await run();
	}

	const width = Math.max(...results.map((r) => r.name.length));
	for (const r of results) {
		console.log(`${r.ok ? 'ok  ' : 'MISS'} ${r.name.padEnd(width)}  ${r.measured.padStart(12)}  (target ${r.target})`);
	}
	for (const note of notes) console.log(`     ${note}`);
	const missed = results.filter((r) => !r.ok).length;
	console.log(`${results.length - missed} passed, ${missed} failed`);
	if (missed) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
