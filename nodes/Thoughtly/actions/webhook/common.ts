import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { hasControlCharacter } from '../../helpers/parameters';

/**
 * Thoughtly's events. The seeds' event table lists five; the spec's subscribe enum only the first
 * two, but its unsubscribe enum all five, and the trigger subscribes to folder events too.
 */
export const eventField: INodeProperties = {
	displayName: 'Event',
	name: 'event',
	type: 'options',
	required: true,
	default: 'NEW_RESPONSE',
	options: [
		{
			name: 'Action Failed',
			value: 'ACTION_FAILED',
			description: 'An action during a call failed',
		},
		{
			name: 'Call Completed',
			value: 'NEW_RESPONSE',
			description: "A call with one agent (or any agent) has ended; the payload carries the call's outcome and transcript",
		},
		{
			name: 'Call Completed in Folder',
			value: 'FOLDER_NEW_RESPONSE',
			description: 'A call with an agent of one folder has ended',
		},
		{
			name: 'Call Transferred',
			value: 'PHONE_TRANSFER',
			description: 'An agent transferred a call to a phone number',
		},
		{
			name: 'Call Transferred in Folder',
			value: 'FOLDER_PHONE_TRANSFER',
			description: 'An agent of one folder transferred a call',
		},
	],
	description: 'The Thoughtly event the subscription is for',
};

export const urlField: INodeProperties = {
	displayName: 'URL',
	name: 'url',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. https://example.com/hooks/thoughtly',
	description: 'The address Thoughtly sends the events to',
};

export const dataField: INodeProperties = {
	displayName: 'Data',
	name: 'data',
	type: 'string',
	default: '',
	placeholder: 'e.g. agt_01HZ4XQ2B7',
	description:
		'Narrows the subscription: an agent ID for call events of one agent, a folder ID for folder events. Leave empty for all.',
};

/** An absolute http(s) address with a host, and no whitespace or control characters anywhere. */
function isWebAddress(url: string): boolean {
	// URL() would quietly drop tabs and line breaks, so they are refused first.
	if (/\s/.test(url) || hasControlCharacter(url)) return false;
	try {
		const { protocol, hostname } = new URL(url);
		return (protocol === 'https:' || protocol === 'http:') && hostname !== '';
	} catch {
		return false;
	}
}

/** `{ type, url, data? }`: the subscription's identity, `data` only when given. */
export function subscriptionBody(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const type = this.getNodeParameter('event', itemIndex) as string;
	const url = String(this.getNodeParameter('url', itemIndex, '')).trim();
	const data = String(this.getNodeParameter('data', itemIndex, '') ?? '').trim();
	if (!url) {
		throw new NodeOperationError(this.getNode(), `URL is empty [item ${itemIndex}]`, {
			description: 'Enter the address Thoughtly should send the events to.',
			itemIndex,
		});
	}
	if (!isWebAddress(url)) {
		throw new NodeOperationError(this.getNode(), `URL "${url}" is not an http(s) address [item ${itemIndex}]`, {
			description: 'Enter a full address starting with https:// (or http://).',
			itemIndex,
		});
	}
	const body: IDataObject = { type, url };
	if (data) body.data = data;
	return body;
}
