import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MAIN_CONNECTION } from '../Thoughtly/helpers/connections';
import { THOUGHTLY_CREDENTIAL } from '../Thoughtly/transport';
import { simplifyCall } from '../ThoughtlyTrigger/simplify';
import { TRIGGER_EVENT_FIELD } from '../ThoughtlyTrigger/ThoughtlyTrigger.node';
import { agentOrAllProperty, ALL_AGENTS, getAgentScope, searchAgentsOrAll } from './agents';
import { listAgents, readNewCalls } from './calls';
import type { PollState } from './cursor';
import { AgentCalls, completedAt, readPollState, writePollState } from './cursor';

/** The one event this trigger offers, named as the webhook trigger names it. */
const CALL_COMPLETED = 'NEW_RESPONSE';

type Agents = Map<string, IDataObject>;

/** The agents to read: the chosen one, or every agent the team lists. */
async function agentsToRead(this: IPollFunctions, scope: string): Promise<Agents> {
	if (scope !== ALL_AGENTS) return new Map([[scope, { id: scope }]]);
	return new Map((await listAgents.call(this)).map((agent) => [String(agent.id), agent]));
}

/**
 * A listed call in the shape of Thoughtly's Call Completed delivery, so that Simplify reads it as
 * it reads a delivery. A call in the older flat shape (with `interview`) is such a shape already.
 */
function asDelivery(call: IDataObject, agent: IDataObject | undefined): IDataObject {
	if (typeof call.call === 'object' || typeof call.interview === 'object') return call;
	const { transcript, metadata, ...rest } = call;
	return {
		call: rest,
		agent: agent ?? { id: call.interview_id },
		transcript,
		custom_fields: metadata,
	};
}

function toItem(call: IDataObject, agents: Agents, simplify: boolean): INodeExecutionData {
	if (!simplify) return { json: { ...call, [TRIGGER_EVENT_FIELD]: CALL_COMPLETED } };
	return { json: simplifyCall(asDelivery(call, agents.get(String(call.interview_id))), CALL_COMPLETED) };
}

/** Oldest first; calls that completed at the same moment in a fixed order. */
function byCompletion(a: IDataObject, b: IDataObject): number {
	return (completedAt(a) as number) - (completedAt(b) as number) || String(a.id).localeCompare(String(b.id));
}

/**
 * Activation: remembers where each agent's list stands now (the newest page) and emits nothing,
 * so that only calls completed from now on start the workflow.
 */
async function startWatching(this: IPollFunctions, scope: string, agents: Agents): Promise<PollState> {
	const state: PollState = { scope, since: null, agents: {} };
	for (const agentId of agents.keys()) {
		const calls = new AgentCalls(undefined, null);
		for (const call of await readNewCalls.call(this, agentId, (c) => calls.isNew(c), 1)) calls.see(call);
		const cursor = calls.cursor();
		state.agents[agentId] = cursor;
		if (cursor.newest !== null && (state.since === null || cursor.newest > state.since)) state.since = cursor.newest;
	}
	return state;
}

/** "Fetch Test Event": the most recent completed call, without moving the cursor. */
async function latestCall(this: IPollFunctions, agents: Agents): Promise<IDataObject> {
	let latest: IDataObject | undefined;
	for (const agentId of agents.keys()) {
		const completed = await readNewCalls.call(this, agentId, (c) => completedAt(c) !== undefined, 1);
		for (const call of completed) if (!latest || byCompletion(call, latest) > 0) latest = call;
	}
	if (!latest) {
		throw new NodeOperationError(this.getNode(), 'Thoughtly has no completed call for this agent yet', {
			description: 'Place a call with the agent and let it complete, then fetch a test event again.',
		});
	}
	return latest;
}

/**
 * Polls running in this n8n process, by workflow and node. n8n starts a scheduled poll even while
 * the last one still runs (a slow answer, a long wait for the rate limit); both would start from
 * the same state and emit the same calls, so the later one starts nothing.
 */
const pollsRunning = new Set<string>();

/**
 * A scheduled poll: the calls completed since the last poll, oldest first. Everything is read
 * before the state changes, so a poll that fails keeps the old state and the next one reads the
 * same calls again.
 */
async function pollNewCalls(this: IPollFunctions, scope: string, simplify: boolean): Promise<INodeExecutionData[][] | null> {
	const agents = await agentsToRead.call(this, scope);
	const staticData = this.getWorkflowStaticData('node');
	const previous = readPollState(staticData, scope);
	if (!previous) {
		writePollState(staticData, await startWatching.call(this, scope, agents));
		return null;
	}

	const next: PollState = { ...previous, agents: { ...previous.agents } };
	const emitted: IDataObject[] = [];
	for (const agentId of agents.keys()) {
		const calls = new AgentCalls(previous.agents[agentId], previous.since);
		for (const call of await readNewCalls.call(this, agentId, (c) => calls.isNew(c))) {
			if (!calls.isNew(call)) continue; // listed twice: the list moved between two pages
			calls.see(call);
			emitted.push(call);
		}
		next.agents[agentId] = calls.cursor();
	}
	if (emitted.length === 0) return null;

	const names = scope === ALL_AGENTS || !simplify ? agents : await agentsToRead.call(this, ALL_AGENTS);
	const items = emitted.sort(byCompletion).map((call) => toItem(call, names, simplify));
	writePollState(staticData, next);
	return [items];
}

export class ThoughtlyPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Thoughtly Polling Trigger',
		name: 'thoughtlyPollingTrigger',
		icon: { light: 'file:../Thoughtly/thoughtly.svg', dark: 'file:../Thoughtly/thoughtly.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'Call Completed',
		description:
			'Starts the workflow when a Thoughtly call completes, by asking Thoughtly at set times. For n8n servers Thoughtly cannot reach.',
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-thoughtly#the-thoughtly-polling-trigger-node',
		defaults: {
			name: 'Thoughtly Polling Trigger',
		},
		polling: true,
		inputs: [],
		outputs: [MAIN_CONNECTION],
		credentials: [
			{
				name: THOUGHTLY_CREDENTIAL,
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				default: CALL_COMPLETED,
				options: [
					{
						name: 'Call Completed',
						value: CALL_COMPLETED,
						description: 'A call with an agent ended: its outcome, recording and transcript are ready',
					},
				],
				description: 'Each call that completed since the last check starts the workflow once, as one item, oldest first',
			},
			agentOrAllProperty,
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: false,
				description:
					'Whether to return one flat item per call (call, agent and contact IDs, status, outcome, duration in seconds, recording URL, transcript as text) instead of the call as Thoughtly lists it',
			},
		],
	};

	methods = {
		listSearch: {
			// The Agent picker is the action node's; this node's list adds "All Agents".
			searchAgents: searchAgentsOrAll,
		},
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const scope = getAgentScope.call(this);
		const simplify = this.getNodeParameter('simplify', false) as boolean;
		if (this.getMode() === 'manual') {
			const agents = await agentsToRead.call(this, scope);
			return [[toItem(await latestCall.call(this, agents), agents, simplify)]];
		}
		const key = `${this.getWorkflow().id}:${this.getNode().id}`;
		if (pollsRunning.has(key)) return null;
		pollsRunning.add(key);
		try {
			return await pollNewCalls.call(this, scope, simplify);
		} finally {
			pollsRunning.delete(key);
		}
	}
}
