import type { IDataObject, IExecuteFunctions, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { thoughtlyApiRequest } from '../../transport';
import { asRecord, getJsonObject, pathId } from '../../helpers/parameters';

const properties: INodeProperties[] = [
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
					"Whether to send the credential's API token with the request. Turn on if your team turned on webhook verification in Thoughtly's developer settings; otherwise no credentials are sent.",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['automation'], operation: ['trigger'] } },
	properties,
);

/** `.../webhook/automation/<id>` → `<id>`: people copy the URL Thoughtly shows. */
function automationIdFrom(value: string): string {
	const match = /\/webhook\/automation\/([^/?#\s]+)/.exec(value);
	return match ? decodeURIComponent(match[1]) : value;
}

/**
 * Starts a webhook-triggered automation. Never repeated after a failure: the automation may
 * already be running (and calling).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const raw = String(this.getNodeParameter('automationId', itemIndex, '') ?? '').trim();
	const automationId = automationIdFrom(raw);
	if (!automationId) {
		throw new NodeOperationError(this.getNode(), `Automation ID is empty [item ${itemIndex}]`, {
			description: "Enter the automation's ID, or the webhook URL its Webhook trigger shows in Thoughtly.",
			itemIndex,
		});
	}
	const payload =
		getJsonObject.call(this, this.getNodeParameter('payload', itemIndex, ''), itemIndex, 'Payload') ?? {};
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const verified = options.webhookVerification === true;
	try {
		const data = await thoughtlyApiRequest.call(this, {
			method: 'POST',
			endpoint: `/webhook/automation/${pathId(automationId)}`,
			body: payload,
			authentication: verified ? 'credential' : 'none',
			itemIndex,
		});
		return asRecord(data, { success: true });
	} catch (error) {
		if (!verified && error instanceof NodeApiError && error.httpCode === '401') {
			error.description =
				"Thoughtly asked for credentials, so your team probably has webhook verification turned on: turn on the node's Webhook Verification option to send the API token.";
		}
		// A NodeApiError passes through unchanged (n8n returns the original when re-wrapping).
		throw new NodeApiError(this.getNode(), error as JsonObject, { itemIndex });
	}
}
