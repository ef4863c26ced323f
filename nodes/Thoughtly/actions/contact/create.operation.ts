import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ThoughtlyRequest } from '../../transport';
import { thoughtlyApiRequest } from '../../transport';
import { asRecord, getJsonObject, getPhoneNumber, getText, toList, withoutEmpty } from '../../helpers/parameters';
import { toolDescription } from '../common.descriptions';

const properties: INodeProperties[] = [
	toolDescription(
		'Create a contact in Thoughtly, so that a voice agent can call it. Needs the phone number in E.164 format: a plus, the country code and the number, e.g. +14155550123. Name, email, tags and attributes are optional. Only add people who agreed to be called. Returns the contact with its ID.',
	),
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +14155550123',
		description:
			'The number to call, in E.164 format: a plus, the country code and the number. By creating a contact you confirm that its owner agreed to be called.',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Attributes',
				name: 'attributes',
				type: 'json',
				default: '{}',
				description:
					'Custom values as a JSON object, e.g. {"company": "Acme"}. Agent scripts use them as {company}.',
			},
			{
				displayName: 'Country Code',
				name: 'countryCode',
				type: 'string',
				default: '',
				placeholder: 'e.g. US',
				description: "The contact's country, as an ISO country code",
			},
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: "The contact's name",
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				placeholder: 'e.g. lead, demo-request',
				description: 'Tags to group the contact by. Separate several with commas.',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['contact'], operation: ['create'] } },
	properties,
);

export const sendsOnce = true;

export function prepare(this: IExecuteFunctions, itemIndex: number): ThoughtlyRequest {
	const phoneNumber = getPhoneNumber.call(this, 'phoneNumber', itemIndex, 'Phone Number');
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const attributes = getJsonObject.call(this, fields.attributes, itemIndex, 'Attributes');
	const body = withoutEmpty({
		phone_number: phoneNumber,
		name: getText.call(this, fields.name, itemIndex, 'Name'),
		email: getText.call(this, fields.email, itemIndex, 'Email'),
		country_code: getText.call(this, fields.countryCode, itemIndex, 'Country Code'),
		tags: toList(fields.tags),
		attributes: attributes && Object.keys(attributes).length ? attributes : undefined,
	});
	return { method: 'POST', endpoint: '/contact/create', body, itemIndex };
}

/** Creates the contact. Never repeated after a failure: a repeat could create it twice. */
export async function execute(
	this: IExecuteFunctions,
	_itemIndex: number,
	request: ThoughtlyRequest,
): Promise<IDataObject> {
	return asRecord(await thoughtlyApiRequest.call(this, request), { success: true });
}
