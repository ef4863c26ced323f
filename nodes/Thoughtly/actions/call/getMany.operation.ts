import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { thoughtlyApiRequestAllItems } from '../../transport';
import { getListLimit, getRequiredId, pathId, toList, withoutEmpty } from '../../helpers/parameters';
import { agentRLC, returnAllOrLimit, toolDescription } from '../common.descriptions';

const properties: INodeProperties[] = [
	toolDescription(
		"List one voice agent's calls, with each call's status, outcome, summary and transcript. Needs the agent's ID; filter by text, tags or status. Read-only.",
	),
	{ ...agentRLC, description: 'The agent whose calls to list' },
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Job ID',
				name: 'jobId',
				type: 'string',
				default: '',
				description: 'Only calls placed by this bulk-call or automation job',
			},
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				description: "Only calls whose transcript or contact contains this text",
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'string',
				default: '',
				placeholder: 'e.g. success, voicemail',
				description: 'Only calls with one of these statuses. Separate several with commas.',
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				placeholder: 'e.g. qualified, follow-up',
				description: 'Only calls tagged with one of these tags. Separate several with commas.',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const agentId = getRequiredId.call(this, 'agentId', itemIndex, 'Agent');
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs = withoutEmpty({
		search: typeof filters.search === 'string' ? filters.search.trim() : undefined,
		response_tags: toList(filters.tags),
		status: toList(filters.statuses),
		job_id: typeof filters.jobId === 'string' ? filters.jobId.trim() : undefined,
	});
	return await thoughtlyApiRequestAllItems.call(this, {
		endpoint: `/interview/${pathId(agentId)}/responses`,
		listKey: 'responses',
		qs,
		limit: getListLimit.call(this, itemIndex),
		itemIndex,
	});
}
