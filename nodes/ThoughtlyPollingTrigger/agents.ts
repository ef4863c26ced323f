import type { ILoadOptionsFunctions, INodeListSearchResult, INodeProperties, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { agentRLC } from '../Thoughtly/actions/common.descriptions';
import { searchAgents } from '../Thoughtly/methods/listSearch';

/** The Agent value that stands for every agent of the team. */
export const ALL_AGENTS = 'all';
const ALL_AGENTS_NAME = 'All Agents';

/** The action node's Agent picker, with "All Agents" first in its list (and as the default). */
export const agentOrAllProperty: INodeProperties = {
	...agentRLC,
	default: { mode: 'list', value: ALL_AGENTS, cachedResultName: ALL_AGENTS_NAME },
	description: `The agent whose completed calls start the workflow, or "${ALL_AGENTS_NAME}" (By ID: "${ALL_AGENTS}") for every agent of the team`,
};

/** The Agent list of the action node, led by "All Agents" when no search text is typed. */
export async function searchAgentsOrAll(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const result = await searchAgents.call(this, filter, paginationToken);
	if (paginationToken || filter?.trim()) return result;
	return { ...result, results: [{ name: ALL_AGENTS_NAME, value: ALL_AGENTS }, ...result.results] };
}

/** The chosen agent's ID, or ALL_AGENTS. */
export function getAgentScope(this: IPollFunctions): string {
	const value = String(this.getNodeParameter('agentId', '', { extractValue: true }) ?? '').trim();
	if (!value) {
		throw new NodeOperationError(this.getNode(), 'Choose an agent, or "All Agents"');
	}
	return value.toLowerCase() === ALL_AGENTS ? ALL_AGENTS : value;
}
