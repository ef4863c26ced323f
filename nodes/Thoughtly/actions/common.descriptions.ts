import type { INodeProperties } from 'n8n-workflow';

/** The agent (an "interview" in Thoughtly's API): chosen from a searchable list, or by ID. */
export const agentRLC: INodeProperties = {
	displayName: 'Agent',
	name: 'agentId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Thoughtly voice agent',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select an agent...',
			typeOptions: {
				searchListMethod: 'searchAgents',
				searchable: true,
			},
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. agt_01HZ4XQ2B7',
		},
	],
};

/** A contact: chosen from a searchable list (names with their numbers), or by ID. */
export const contactRLC: INodeProperties = {
	displayName: 'Contact',
	name: 'contactId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Thoughtly contact',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a contact...',
			typeOptions: {
				searchListMethod: 'searchContacts',
				searchable: true,
			},
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. cnt_01HXY7K3M2',
		},
	],
};

/** The same picker, listing from another search method (a narrower list for one operation). */
export function listingFrom(locator: INodeProperties, searchListMethod: string): INodeProperties {
	return {
		...locator,
		modes: locator.modes?.map((mode) =>
			mode.type === 'list' ? { ...mode, typeOptions: { ...mode.typeOptions, searchListMethod } } : mode,
		),
	};
}

export const returnAllOrLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		displayOptions: { show: { returnAll: [false] } },
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
	},
];

/**
 * What an AI agent reads about the operation when the node is its tool ("Thoughtly Tool"). n8n
 * uses a `toolDescription` parameter as the tool's description and, when the node has one, adds
 * no "Set Automatically" choice of its own, whose text would only be the operation's action.
 * `@tool` shows it in the tool only. The text says what the operation does, what it needs and
 * what it costs, so that a model knows when (not) to use it; users can edit it.
 */
export function toolDescription(text: string): INodeProperties {
	return {
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		default: text,
		required: true,
		typeOptions: { rows: 4 },
		displayOptions: { show: { '@tool': [true] } },
		description:
			'What the AI agent is told about this tool. The default says what the operation does and costs; add your own rules, e.g. when to use it.',
	};
}
