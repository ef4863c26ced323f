import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { thoughtlyApiRequestAllItems } from '../../transport';
import { getListLimit, withoutEmpty } from '../../helpers/parameters';
import { returnAllOrLimit, toolDescription } from '../common.descriptions';

const properties: INodeProperties[] = [
	toolDescription(
		"List the team's Thoughtly voice agents: ID, title and status. Use it to find the ID of the agent that should make a call. Read-only.",
	),
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Include Archived',
				name: 'includeArchived',
				type: 'boolean',
				default: false,
				description: 'Whether to include archived agents, which are left out otherwise',
			},
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				description: 'Only agents whose title or name contains this text',
			},
			{
				displayName: 'Sort',
				name: 'sort',
				type: 'options',
				default: 'created_desc',
				options: [
					{ name: 'Created (Newest First)', value: 'created_desc' },
					{ name: 'Created (Oldest First)', value: 'created_asc' },
					{ name: 'Title (A to Z)', value: 'title_asc' },
					{ name: 'Title (Z to A)', value: 'title_desc' },
				],
				description: 'The order of the agents',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'ACTIVE',
				options: [
					{ name: 'Active', value: 'ACTIVE' },
					{ name: 'Archived', value: 'ARCHIVED' },
				],
				description: 'Only agents with this status',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs = withoutEmpty({
		search: typeof filters.search === 'string' ? filters.search.trim() : undefined,
		status: filters.status,
		sort: filters.sort,
		all_interviews: filters.includeArchived === true ? true : undefined,
	});
	return await thoughtlyApiRequestAllItems.call(this, {
		endpoint: '/interview',
		listKey: 'interviews',
		qs,
		limit: getListLimit.call(this, itemIndex),
		itemIndex,
	});
}
