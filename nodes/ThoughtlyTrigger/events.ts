import type { INodePropertyOptions } from 'n8n-workflow';

/**
 * The five webhook events Thoughtly sends. Call events can be limited to one agent, folder
 * events name their folder: Thoughtly keeps that limit in the subscription's `data`.
 */
const THOUGHTLY_EVENTS = [
	'NEW_RESPONSE',
	'PHONE_TRANSFER',
	'FOLDER_NEW_RESPONSE',
	'FOLDER_PHONE_TRANSFER',
	'ACTION_FAILED',
] as const;

export type ThoughtlyEvent = (typeof THOUGHTLY_EVENTS)[number];

/** The events the API's subscribe request documents; its event table lists all five. */
export const SPEC_SUBSCRIBE_EVENTS: readonly ThoughtlyEvent[] = ['NEW_RESPONSE', 'PHONE_TRANSFER'];

/** What a subscription's `data` names for an event: an agent, a folder. */
export type EventScope = 'agent' | 'folder';

interface EventDefinition extends INodePropertyOptions {
	value: ThoughtlyEvent;
	scope: EventScope;
	/** Whether the payload describes one call (and so can be simplified). */
	isCall: boolean;
}

const EVENT_DEFINITIONS: EventDefinition[] = [
	{
		name: 'Action Failed',
		value: 'ACTION_FAILED',
		description:
			'An action an agent runs during a call (booking a meeting, updating a CRM, sending a message) failed',
		scope: 'agent',
		isCall: false,
	},
	{
		name: 'Call Completed',
		value: 'NEW_RESPONSE',
		description: 'A call with an agent ended: its outcome, recording and transcript are ready',
		scope: 'agent',
		isCall: true,
	},
	{
		name: 'Call Completed in Folder',
		value: 'FOLDER_NEW_RESPONSE',
		description: 'A call with any agent in the chosen folder ended',
		scope: 'folder',
		isCall: true,
	},
	{
		name: 'Call Transferred',
		value: 'PHONE_TRANSFER',
		description: 'An agent transferred a caller to a phone number (for example to a person on your team)',
		scope: 'agent',
		isCall: true,
	},
	{
		name: 'Call Transferred in Folder',
		value: 'FOLDER_PHONE_TRANSFER',
		description: 'An agent in the chosen folder transferred a caller to a phone number',
		scope: 'folder',
		isCall: true,
	},
];

export const EVENT_OPTIONS: INodePropertyOptions[] = EVENT_DEFINITIONS.map(({ name, value, description }) => ({
	name,
	value,
	description,
}));

export const AGENT_EVENTS = EVENT_DEFINITIONS.filter((e) => e.scope === 'agent').map((e) => e.value);
export const FOLDER_EVENTS = EVENT_DEFINITIONS.filter((e) => e.scope === 'folder').map((e) => e.value);

export function isThoughtlyEvent(value: unknown): value is ThoughtlyEvent {
	return typeof value === 'string' && (THOUGHTLY_EVENTS as readonly string[]).includes(value);
}

export function eventScope(event: ThoughtlyEvent): EventScope {
	return FOLDER_EVENTS.includes(event) ? 'folder' : 'agent';
}

export function isCallEvent(event: ThoughtlyEvent): boolean {
	return EVENT_DEFINITIONS.some((e) => e.value === event && e.isCall);
}

export function eventName(event: ThoughtlyEvent): string {
	return EVENT_DEFINITIONS.find((e) => e.value === event)?.name ?? event;
}

/**
 * The canvas subtitle: the chosen events by their names in the UI ("Call Completed, Action
 * Failed"), not Thoughtly's (`NEW_RESPONSE`).
 */
export const EVENTS_SUBTITLE = `={{ ($parameter["events"] || []).map(e => (${JSON.stringify(
	Object.fromEntries(EVENT_DEFINITIONS.map((e) => [e.value, e.name])),
)})[e] || e).join(", ") }}`;
