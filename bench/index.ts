/**
 * `npm run bench`: speed and memory targets of the package, measured in n8n's real engine
 * (n8n-core's WorkflowExecute) against the local simulator. Each case prints what it measured
 * beside its target; the run fails when a target is missed.
 *
 * - Return All over a large list: time per record, and heap growth from one run to the next
 *   (nothing may accumulate across executions), so lists of thousands of contacts stay cheap.
 * - A rate-limited burst: Thoughtly refuses with 429 past its limit; the transport must finish
 *   every item exactly once, close to the time the limit allows, with few refused requests.
 *   The simulator's window is compressed (10 requests per second) so the case runs in seconds.
 */
import { performance } from 'node:perf_hooks';

import { startN8n } from '../test/helpers/n8n';
import { startSimulator } from '../test/simulator';

interface Result {
	name: string;
	measured: string;
	target: string;
	ok: boolean;
}

const results: Result[] = [];

function record(name: string, value: number, limit: number, unit: string) {
	results.push({
		name,
		measured: `${value.toFixed(3)} ${unit}`,
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

async function rateLimitedBurst() {
	const items = 60;
	const perSecond = 10;
	const sim = await startSimulator({ port: 0, rateLimit: perSecond, windowMs: 1_000 });
	const n8n = await startN8n();
	try {
		const credential = await n8n.addCredentials('thoughtlyApi', {
			apiToken: sim.apiToken,
			teamId: sim.teamId,
			baseUrl: sim.url,
		});
		const input = Array.from({ length: items }, (_, i) => ({
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
		const refused = log.filter((r) => r.status === 429).length;
		if (result.error) throw new Error(`the burst failed: ${result.error.message}`);
		if (result.items.length !== items || created !== items) {
			throw new Error(`expected ${items} contacts created once each, saw ${created} (${result.items.length} items)`);
		}
		// Retry-After is whole seconds, so a burst can at best finish in about (items / perSecond) s.
		const ideal = items / perSecond;
		record(`429 burst, ${items} creates at ${perSecond}/s: time over the ideal`, elapsed / ideal, 1.6, 'x');
		record(`429 burst, ${items} creates at ${perSecond}/s: refused requests per item`, refused / items, 0.5, '');
	} finally {
		await sim.stop();
	}
}

async function main() {
	await returnAllLargeList();
	await rateLimitedBurst();

	const width = Math.max(...results.map((r) => r.name.length));
	for (const r of results) {
		console.log(`${r.ok ? 'ok  ' : 'MISS'} ${r.name.padEnd(width)}  ${r.measured.padStart(12)}  (target ${r.target})`);
	}
	const missed = results.filter((r) => !r.ok).length;
	console.log(`${results.length - missed} passed, ${missed} failed`);
	if (missed) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
