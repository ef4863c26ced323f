import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { ThoughtlyRequest } from '../../transport';
import { thoughtlyApiRequest } from '../../transport';
import { asRecord, checkId, getJsonObject, notAnId, pathId } from '../../helpers/parameters';
import { toolDescription } from '../common.descriptions';

const properties: INodeProperties[] = [
	toolDescription(
		'Start a Thoughtly automation through its webhook, with a JSON payload. The automation then runs its own steps, which may call or message people: this cannot be taken back. Use it only when you were asked to start that automation.',
	),
	{
		displayName: 'Automation ID',
		name: 'automationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. aut_01J2... or its webhook URL',
		description:
			"The automation's ID, from the webhook URL its Webhook trigger shows in Thoughtly. Pasting the whole URL works too.",
	},
	{
		displayName: 'Payload',
		name: 'payload',
		type: 'json',
		default: '{}',
		description:
			'The data to start the automation with, as a JSON object. Its fields are available in the automation\'s steps.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Webhook Verification',
				name: 'webhookVerification',
				type: 'boolean',
				default: false,
				description:
					"Whether to send the credential's API token (as x-api-token, without the team ID) with the request. Turn on if your team turned on webhook verification in Thoughtly's developer settings; otherwise no credentials are sent.",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['automation'], operation: ['trigger'] } },
	properties,
);

/** `.../webhook/automation/<id>` → `<id>`: people copy the URL Thoughtly shows. */
function automationIdFrom(this: IExecuteFunctions, value: string, itemIndex: number): string {
	const match = /\/webhook\/automation\/([^/?#\s]+)/.exec(value);
	if (!match) return value;
	try {
		return decodeURIComponent(match[1]);
	} catch {
		throw notAnId(this.getNode(), match[1], itemIndex, 'Automation ID', 'Its URL has a malformed %-escape.');
	}
}

/** Starting an automation twice runs it twice (and it may call someone). */
export const sendsOnce = true;

export function prepare(this: IExecuteFunctions, itemIndex: number): ThoughtlyRequest {
	const raw = String(this.getNodeParameter('automationId', itemIndex, '') ?? '').trim();
	const automationId = automationIdFrom.call(this, raw, itemIndex);
	if (!automationId) {
		throw new NodeOperationError(this.getNode(), `Automation ID is empty [item ${itemIndex}]`, {
			description: "Enter the automation's ID, or the webhook URL its Webhook trigger shows in Thoughtly.",
			itemIndex,
		});
	}
	checkId.call(this, automationId, itemIndex, 'Automation ID');
	const payload =
		getJsonObject.call(this, this.getNodeParameter('payload', itemIndex, ''), itemIndex, 'Payload') ?? {};
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		method: 'POST',
		endpoint: `/webhook/automation/${pathId(automationId)}`,
		body: payload,
		// Verification asks for the API token only, not the team ID.
		authentication: options.webhookVerification === true ? 'token' : 'none',
		itemIndex,
	};
}

/**
 * Starts a webhook-triggered automation. Never repeated after a failure: the automation may
 * already be running (and calling).
 */
export async function execute(
	this: IExecuteFunctions,
	_itemIndex: number,
	request: ThoughtlyRequest,
): Promise<IDataObject> {
	return asRecord(await thoughtlyApiRequest.call(this, request), { success: true });
}
