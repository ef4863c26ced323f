import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { agentRLC } from '../Thoughtly/actions/common.descriptions';
import { MAIN_CONNECTION } from '../Thoughtly/helpers/connections';
import { secretsMatch } from '../Thoughtly/helpers/secrets';
import { searchAgents } from '../Thoughtly/methods/listSearch';
import type { ThoughtlyCredentials } from '../Thoughtly/transport';
import { THOUGHTLY_CREDENTIAL } from '../Thoughtly/transport';
import { normalizeBaseUrl } from '../Thoughtly/transport/send';
import type { ThoughtlyEvent } from './events';
import {
	AGENT_EVENTS,
	EVENT_OPTIONS,
	EVENTS_SUBTITLE,
	FOLDER_EVENTS,
	isCallEvent,
	isThoughtlyEvent,
} from './events';
import { addContactDetails } from './contactDetails';
import { assertThoughtlyCanReach } from './reachability';
import type { SimplifiedCall } from './simplify';
import { simplifyCall } from './simplify';
import type { SubscriptionScope } from './subscriptions';
import {
	describeLeftovers,
	EVENT_QUERY_PARAMETER,
	readState,
	reconcile,
	SECRET_QUERY_PARAMETER,
	subscribeAll,
	unsubscribeAll,
} from './subscriptions';

/** Name of the field added to every item: the event this delivery was subscribed for. */
export const TRIGGER_EVENT_FIELD = 'triggerEvent';

/**
 * Reads what the lifecycle methods need and refuses, before any request, a set-up Thoughtly
 * could not deliver to.
 */
async function prepareSubscriptions(this: IHookFunctions): Promise<{ webhookUrl: string; scope: SubscriptionScope }> {
	const webhookUrl = this.getNodeWebhookUrl('default');
	if (!webhookUrl) {
		throw new NodeOperationError(this.getNode(), 'n8n has no webhook URL for this trigger');
	}
	const credentials = await this.getCredentials<ThoughtlyCredentials>(THOUGHTLY_CREDENTIAL);
	assertThoughtlyCanReach.call(this, webhookUrl, normalizeBaseUrl(credentials.baseUrl));

	const events = (this.getNodeParameter('events', []) as string[]).filter(isThoughtlyEvent);
	if (events.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Choose at least one event to listen for');
	}
	const scope: SubscriptionScope = { events: [...new Set(events)] };
	if (events.some((e) => AGENT_EVENTS.includes(e))) {
		const agentId = String(this.getNodeParameter('agentId', '', { extractValue: true }) ?? '').trim();
		if (agentId) scope.agentId = agentId;
	}
	if (events.some((e) => FOLDER_EVENTS.includes(e))) {
		const folderId = String(this.getNodeParameter('folderId', '') ?? '').trim();
		if (!folderId) {
			throw new NodeOperationError(this.getNode(), 'Enter the folder ID for the folder events', {
				description: 'Call Completed in Folder and Call Transferred in Folder need the ID of a Thoughtly folder.',
			});
		}
		scope.folderId = folderId;
	}
	return { webhookUrl, scope };
}

/** The flat item for a call event, with the contact's details looked up if so chosen. */
async function simplifiedItem(this: IWebhookFunctions, payload: IDataObject, event: ThoughtlyEvent): Promise<SimplifiedCall> {
	const call = simplifyCall(payload, event);
	const includeContactDetails = this.getNodeParameter('includeContactDetails', true) as boolean;
	return includeContactDetails ? await addContactDetails.call(this, call) : call;
}

export class ThoughtlyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Thoughtly Trigger',
		name: 'thoughtlyTrigger',
		icon: { light: 'file:../Thoughtly/thoughtly.svg', dark: 'file:../Thoughtly/thoughtly.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		description: 'Starts the workflow when a Thoughtly call completes, is transferred, or an agent action fails',
		// Used as is by the editor's Docs link (the codex URL would get query parameters after its #).
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-thoughtly#the-thoughtly-trigger-node',
		defaults: {
			name: 'Thoughtly Trigger',
		},
		inputs: [],
		outputs: [MAIN_CONNECTION],
		credentials: [
			{
				name: THOUGHTLY_CREDENTIAL,
				required: true,
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		activationMessage: 'Thoughtly now sends the chosen events to this workflow.',
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [],
				options: EVENT_OPTIONS,
				description:
					'The Thoughtly events that start the workflow. Each item is the event as Thoughtly sent it, plus a "triggerEvent" field naming the event.',
			},
			{
				...agentRLC,
				required: false,
				hint: 'Optional: leave empty for every agent',
				description:
					'Only events about calls with this agent start the workflow (Call Completed, Call Transferred, Action Failed). Leave empty for every agent.',
				displayOptions: {
					show: {
						events: AGENT_EVENTS,
					},
				},
			},
			{
				displayName: 'Folder ID',
				name: 'folderId',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. fld_01HZ3K8Q2W',
				description: 'The ID of the Thoughtly folder whose agents the folder events are about',
				displayOptions: {
					show: {
						events: FOLDER_EVENTS,
					},
				},
			},
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: false,
				description:
					'Whether to return one flat item per call (call, agent and contact IDs and names, phone numbers, status, outcome, duration in seconds, recording URL, transcript as text) instead of the full event. Action Failed events are always returned in full.',
			},
			{
				displayName: 'Include Contact Details',
				name: 'includeContactDetails',
				type: 'boolean',
				default: true,
				description:
					"Whether to look up the contact's name and phone number in Thoughtly when the event names only the contact's ID (one request, counted against the credential's Requests per Minute). It never delays the delivery: when Thoughtly takes more than 2 seconds or the limit is reached, the item comes without them and contactLookupError says why.",
				displayOptions: {
					show: {
						simplify: [true],
					},
				},
			},
		],
	};

	methods = {
		listSearch: {
			searchAgents,
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const { webhookUrl, scope } = await prepareSubscriptions.call(this);
				return await reconcile.call(this, scope, webhookUrl);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const { webhookUrl, scope } = await prepareSubscriptions.call(this);
				await subscribeAll.call(this, scope, webhookUrl);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const leftovers = await unsubscribeAll.call(this);
				if (leftovers.length) {
					// Deactivation goes on (see unsubscribeAll); n8n's log is where it can be told.
					this.logger.warn(
						`Thoughtly Trigger "${this.getNode().name}" (workflow ${this.getWorkflow().id}) could not remove ${leftovers.length} Thoughtly webhook subscription(s): ${describeLeftovers(leftovers)}. They stay recorded and are removed the next time this workflow is activated.`,
					);
				}
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const query = this.getQueryData() as IDataObject;
		// Thoughtly signs nothing: only a delivery to the URL this node subscribed, secret included,
		// can be from Thoughtly.
		if (!secretsMatch(query[SECRET_QUERY_PARAMETER], readState(this).secret)) {
			const res = this.getResponseObject();
			// Node's own response API, which n8n's Express response inherits.
			res.writeHead(401, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ message: 'Unauthorized' }));
			return { noWebhookResponse: true };
		}

		const event = query[EVENT_QUERY_PARAMETER];
		const selected = this.getNodeParameter('events', []) as string[];
		if (!isThoughtlyEvent(event) || !selected.includes(event)) {
			// A subscription for an event no longer chosen; the next activation removes it.
			return { webhookResponse: { received: true, started: false } };
		}

		const body = this.getBodyData();
		const payload: IDataObject = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { body };
		const simplify = this.getNodeParameter('simplify', false) as boolean;
		const json =
			simplify && isCallEvent(event)
				? await simplifiedItem.call(this, payload, event)
				: { ...payload, [TRIGGER_EVENT_FIELD]: event satisfies ThoughtlyEvent };
		return { workflowData: [[{ json }]] };
	}
}
