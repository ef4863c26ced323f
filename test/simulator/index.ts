/**
 * Entry point for tests: `startSimulator({ port: 0 })` starts a local Thoughtly API and returns a
 * handle to inspect and steer it. See README.md in this folder.
 */
import { SEED } from './seed';
import { Simulator } from './simulator';
import type {
	CompletedCall,
	Contact,
	DeliverRequest,
	Delivery,
	Fault,
	LoggedRequest,
	SimulatorConfig,
	SimulatorOptions,
	SimulatorState,
} from './types';

export interface SimulatorHandle {
	/** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
	url: string;
	/** Team one's credentials. */
	apiToken: string;
	teamId: string;
	otherTeam: { apiToken: string; teamId: string };
	stop(): Promise<void>;
	/** Back to the seed; clears the request log, faults, deliveries and rate-limit windows. */
	reset(): void;
	/** Every request to a Thoughtly path since the last reset/clear, in order. */
	requests(): LoggedRequest[];
	clearRequests(): void;
	/** Queues a fault for the next `count` matching Thoughtly requests; returns the pending faults. */
	injectFault(fault: Fault): Fault[];
	clearFaults(): void;
	/** Delivers one event to every matching subscriber now; resolves with the deliveries made. */
	deliver(request: DeliverRequest): Promise<Delivery[]>;
	/** Every webhook delivery attempted since the last reset/clear. */
	deliveries(): Delivery[];
	clearDeliveries(): void;
	/** Resolves once at least `count` deliveries are recorded; rejects after `timeoutMs` (default 5000). */
	waitForDeliveries(count: number, timeoutMs?: number): Promise<Delivery[]>;
	/** Adds `n` generated contacts to team one and returns them. */
	seedContacts(n: number): Contact[];
	state(): SimulatorState;
	/** Changes options at run time; returns the options now in force. */
	configure(options: Partial<SimulatorConfig>): SimulatorConfig;
	/** Completes a queued call now (instead of after callCompletionDelayMs) and delivers it. */
	completeCall(id: string): Promise<CompletedCall>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
	const simulator = new Simulator(options);
	const url = await simulator.listen();
	return {
		url,
		apiToken: SEED.apiToken,
		teamId: SEED.teamId,
		otherTeam: { apiToken: SEED.otherTeam.apiToken, teamId: SEED.otherTeam.teamId },
		stop: () => simulator.stop(),
		reset: () => simulator.reset(),
		requests: () => simulator.requests(),
		clearRequests: () => simulator.clearRequests(),
		injectFault: (fault) => simulator.injectFault(fault),
		clearFaults: () => simulator.clearFaults(),
		deliver: (request) => simulator.deliver(request),
		deliveries: () => simulator.deliveries(),
		clearDeliveries: () => simulator.clearDeliveries(),
		waitForDeliveries: (count, timeoutMs) => simulator.waitForDeliveries(count, timeoutMs),
		seedContacts: (n) => simulator.seedContacts(n),
		state: () => simulator.state(),
		configure: (changes) => simulator.configure(changes),
		completeCall: (id) => simulator.completeCall(id),
	};
}

export { SEED } from './seed';
export { SimulatorClient } from './client';
export { E164, SPEC_FILE, loadSpec } from './spec';
export { USER_AGENT } from './delivery';
export * from './types';
