/**
 * `npm run simulator`: runs the simulator in the foreground until Ctrl+C.
 * Environment: THOUGHTLY_SIMULATOR_PORT (default 4010), THOUGHTLY_SIMULATOR_RATE_LIMIT,
 * THOUGHTLY_SIMULATOR_WINDOW_MS, THOUGHTLY_SIMULATOR_CALL_DELAY_MS,
 * THOUGHTLY_SIMULATOR_PAYLOAD_SHAPE (catalog | legacy), THOUGHTLY_SIMULATOR_EXTRA_CONTACTS,
 * THOUGHTLY_SIMULATOR_VARIANTS (comma-separated names from VARIANTS in types.ts),
 * THOUGHTLY_SIMULATOR_QUIET=1 to silence the request log.
 */
import { startSimulator } from './index';
import { VARIANTS, type PayloadShape, type SimulatorOptions, type Variant } from './types';

function numberFrom(name: string, fallback?: number): number | undefined {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < 0) {
		console.error(`${name} must be a non-negative number, got "${raw}"`);
		process.exit(2);
	}
	return value;
}

async function main(): Promise<void> {
	const shape = process.env.THOUGHTLY_SIMULATOR_PAYLOAD_SHAPE;
	if (shape && shape !== 'catalog' && shape !== 'legacy') {
		console.error(`THOUGHTLY_SIMULATOR_PAYLOAD_SHAPE must be catalog or legacy, got "${shape}"`);
		process.exit(2);
	}
	const variants = (process.env.THOUGHTLY_SIMULATOR_VARIANTS ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	const unknown = variants.filter((name) => !(VARIANTS as readonly string[]).includes(name));
	if (unknown.length) {
		console.error(`THOUGHTLY_SIMULATOR_VARIANTS: unknown ${unknown.join(', ')} (known: ${VARIANTS.join(', ')})`);
		process.exit(2);
	}
	const quiet = process.env.THOUGHTLY_SIMULATOR_QUIET === '1';
	const options: SimulatorOptions = {
		port: numberFrom('THOUGHTLY_SIMULATOR_PORT', 4010),
		host: process.env.THOUGHTLY_SIMULATOR_HOST || '127.0.0.1',
		rateLimit: numberFrom('THOUGHTLY_SIMULATOR_RATE_LIMIT'),
		windowMs: numberFrom('THOUGHTLY_SIMULATOR_WINDOW_MS'),
		callCompletionDelayMs: numberFrom('THOUGHTLY_SIMULATOR_CALL_DELAY_MS'),
		payloadShape: shape as PayloadShape | undefined,
		extraContacts: numberFrom('THOUGHTLY_SIMULATOR_EXTRA_CONTACTS'),
		variants: variants as Variant[],
		log: quiet ? undefined : (line) => console.log(`[thoughtly-simulator] ${line}`),
	};
	const sim = await startSimulator(options);
	console.log(
		[
			'Thoughtly simulator running',
			`  Base URL:   ${sim.url}`,
			`  API token:  ${sim.apiToken}`,
			`  Team ID:    ${sim.teamId}`,
			`  Second team (for isolation checks): ${sim.otherTeam.apiToken} / ${sim.otherTeam.teamId}`,
			`  Control:    ${sim.url}/__simulator/info`,
			'Press Ctrl+C to stop.',
		].join('\n'),
	);
	let stopping = false;
	const shutdown = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`Received ${signal}, stopping the simulator.`);
		sim.stop().then(
			() => process.exit(0),
			(error) => {
				console.error(error);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error) => {
	console.error(`Could not start the Thoughtly simulator: ${error?.message ?? error}`);
	process.exit(1);
});
