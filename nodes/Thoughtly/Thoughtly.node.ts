import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { callEndedWebhook, callEndedWebhooks } from './actions/contact/wait/webhook';
import { router } from './actions/router';
import { properties, subtitle } from './actions/versionDescription';
import { MAIN_CONNECTION } from './helpers/connections';
import { forTool } from './helpers/toolErrors';
import { listSearch } from './methods';

export class Thoughtly implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Thoughtly',
		name: 'thoughtly',
		icon: { light: 'file:thoughtly.svg', dark: 'file:thoughtly.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle,
		description: 'Create and call contacts with Thoughtly AI voice agents, and read their calls',
		// Used as is by the editor's Docs link (the codex URL would get query parameters after its #).
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-thoughtly#the-thoughtly-node',
		defaults: { name: 'Thoughtly' },
		usableAsTool: true,
		inputs: [MAIN_CONNECTION],
		outputs: [MAIN_CONNECTION],
		credentials: [{ name: 'thoughtlyApi', required: true }],
		webhooks: callEndedWebhooks,
		properties,
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			return await router.call(this);
		} catch (error) {
			// As an AI agent's tool, errors name the argument the model filled (helpers/toolErrors).
			throw forTool.call(this, error, properties);
		}
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await callEndedWebhook.call(this);
	}
}
