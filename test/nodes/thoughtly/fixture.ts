/**
 * Shared set-up for the Thoughtly node's engine tests: one simulator and one n8n harness per test
 * file, a saved Thoughtly credential, and short ways to run the node and read what the
 * simulator received.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameterResourceLocator,
	INodeParameters,
} from 'n8n-workflow';

import type { NodeRunResult, N8nHarness } from '../../helpers/n8n';
import { startN8n } from '../../helpers/n8n';
import type { LoggedRequest, SimulatorHandle, SimulatorOptions } from '../../simulator';
import { startSimulator } from '../../simulator';

export interface Fixture {
	n8n: N8nHarness;
	sim: SimulatorHandle;
	/** Team one's credential (requests per minute raised, so tests never wait on the window). */
	credential: INodeCredentialsDetails;
	/** Saves another credential against this simulator. */
	addCredential(data: ICredentialDataDecryptedObject): Promise<INodeCredentialsDetails>;
	/** Runs the Thoughtly node with these parameters on these input items. */
	run(
		parameters: INodeParameters,
		input?: Array<IDataObject | INodeExecutionData>,
		options?: { credential?: INodeCredentialsDetails; continueOnFail?: boolean },
	): Promise<NodeRunResult>;
	/** What reached the simulator since the last reset: method, path, query, body. */
	sent(): SentRequest[];
}

export interface SentRequest {
	method: string;
	path: string;
	query: LoggedRequest['query'];
	body: unknown;
}

/**
 * Registers beforeAll/afterAll/beforeEach hooks and returns the fixture, filled in once
 * beforeAll has run. The simulator is reset before every test (seed data, request log, faults,
 * its rate-limit windows).
 */
export function useThoughtly(options: SimulatorOptions = {}): Fixture {
	const fixture = {} as Fixture;
	beforeAll(async () => {
		fixture.n8n = await startN8n();
		fixture.sim = await startSimulator({ port: 0, callCompletionDelayMs: 60_000, ...options });
		const { n8n, sim } = fixture;
		fixture.addCredential = async (data) =>
			await n8n.addCredentials('thoughtlyApi', {
				apiToken: sim.apiToken,
				teamId: sim.teamId,
				baseUrl: sim.url,
				requestsPerMinute: 100_000,
				...data,
			});
		fixture.credential = await fixture.addCredential({});
		fixture.run = async (parameters, input = [{}], runOptions = {}) =>
			await n8n.runNode(
				{
					type: 'thoughtly',
					parameters,
					credentials: { thoughtlyApi: runOptions.credential ?? fixture.credential },
					continueOnFail: runOptions.continueOnFail,
				},
				input,
			);
		fixture.sent = () =>
			sim.requests().map(({ method, path, query, body }) => ({ method, path, query, body }));
	});
	beforeEach(() => fixture.sim.reset());
	afterAll(async () => await fixture.sim?.stop());
	return fixture;
}

/** A resource locator value as the editor stores it. */
export function byId(value: string): INodeParameterResourceLocator {
	return { __rl: true, mode: 'id', value };
}

export function fromList(value: string, cachedResultName?: string): INodeParameterResourceLocator {
	return { __rl: true, mode: 'list', value, ...(cachedResultName ? { cachedResultName } : {}) };
}

/** Output items as `{ json, pairedItem }`, without anything else the engine may add. */
export function itemsOf(result: NodeRunResult): Array<{ json: IDataObject; pairedItem: unknown }> {
	return result.items.map(({ json, pairedItem }) => ({ json, pairedItem }));
}
