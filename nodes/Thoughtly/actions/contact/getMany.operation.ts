import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { thoughtlyApiRequestAllItems } from '../../transport';
import { getListLimit, toList, withoutEmpty } from '../../helpers/parameters';
import { returnAllOrLimit, toolDescription } from '../common.descriptions';

const properties: INodeProperties[] = [
	toolDescription(
		"Find Thoughtly contacts: ID, name, phone number, email and tags. Search by text in the name, email or phone number, or filter by tags. Use it to find a contact's ID before calling it. Read-only.",
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
				displayName: 'Excluded Tags',
				name: 'excludedTags',
				type: 'string',
				default: '',
				placeholder: 'e.g. do-not-call',
				description: 'Leave out contacts tagged with any of these tags. Separate several with commas.',
			},
			{
				displayName: 'Only With Phone Number',
				name: 'phoneNumbersOnly',
				type: 'boolean',
				default: false,
				description: 'Whether to return only contacts that have a phone number',
			},
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				description: 'Only contacts whose name, email or phone number contains this text',
			},
			{
				displayName: 'Sort By',
				name: 'sort',
				type: 'options',
				default: 'created_at',
				options: [
					{ name: 'Country Code', value: 'country_code' },
					{ name: 'Created At', value: 'created_at' },
					{ name: 'Email', value: 'email' },
					{ name: 'Name', value: 'name' },
					{ name: 'Phone Number', value: 'phone_number' },
					{ name: 'Updated At', value: 'updated_at' },
				],
				description: 'The field to sort the contacts by',
			},
			{
				displayName: 'Sort Direction',
				name: 'sortDirection',
				type: 'options',
				default: 'asc',
				options: [
					{ name: 'Ascending', value: 'asc' },
					{ name: 'Descending', value: 'desc' },
				],
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				placeholder: 'e.g. lead, demo-request',
				description: 'Only contacts tagged with any of these tags. Separate several with commas.',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['getMany'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs = withoutEmpty({
		search: typeof filters.search === 'string' ? filters.search.trim() : undefined,
		phone_numbers_only: filters.phoneNumbersOnly === true ? true : undefined,
		tags: toList(filters.tags),
		excluded_tags: toList(filters.excludedTags),
		sort: filters.sort,
		sortDirection: filters.sortDirection,
	});
	return await thoughtlyApiRequestAllItems.call(this, {
		endpoint: '/contact',
		listKey: 'contacts',
		qs,
		limit: getListLimit.call(this, itemIndex),
		itemIndex,
	});
}
