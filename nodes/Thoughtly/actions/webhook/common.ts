import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { EVENT_OPTIONS } from '../../../ThoughtlyTrigger/events';
import { hasControlCharacter } from '../../helpers/parameters';

/** Thoughtly's five events, named and described as the trigger names them. */
export const eventField: INodeProperties = {
	displayName: 'Event',
	name: 'event',
	type: 'options',
	required: true,
	default: 'NEW_RESPONSE',
	options: EVENT_OPTIONS,
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
