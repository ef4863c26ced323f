import type { IDataObject } from 'n8n-workflow';

import type { ThoughtlyEvent } from './events';

/**
 * The fields a workflow uses most from a call event, flat, under the same names whichever of
 * the two payload shapes Thoughtly sent (NOTES.md): the API catalog's (`call`, `agent`,
 * `transcript` turns) or the older flat one (`interview`, `contact`, `conversation_history`).
 * Fields a payload does not carry are null, so expressions downstream always find their key.
 */
export interface SimplifiedCall extends IDataObject {
	triggerEvent: ThoughtlyEvent;
	callId: string | null;
	agentId: string | null;
	agentName: string | null;
	contactId: string | null;
	contactName: string | null;
	contactPhoneNumber: string | null;
	agentPhoneNumber: string | null;
	direction: string | null;
	status: string | null;
	outcome: string | null;
	summary: string | null;
	durationSeconds: number | null;
	startedAt: string | null;
	endedAt: string | null;
	recordingUrl: string | null;
	transcript: string;
	customFields: IDataObject;
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	return null;
}

function seconds(value: unknown): number | null {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

/** How Thoughtly names the two sides of a call; any other speaker is written as named. */
const AGENT_SPEAKERS = ['ai', 'agent', 'assistant', 'bot'];
const CONTACT_SPEAKERS = ['user', 'contact', 'caller', 'customer', 'human'];

function speakerLabel(speaker: unknown): string {
	const name = typeof speaker === 'string' ? speaker.trim() : '';
	if (AGENT_SPEAKERS.includes(name.toLowerCase())) return 'Agent';
	if (CONTACT_SPEAKERS.includes(name.toLowerCase())) return 'Contact';
	if (name === '') return 'Unknown';
	const words = name.replace(/[_-]+/g, ' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * One line per turn: "Agent: …" / "Contact: …". Turns are read in either shape (`transcript` +
 * `speaker` or `text` + `author`); null when there is no turn with text, so that a text
 * transcript elsewhere in the payload is used instead.
 */
function transcriptFromTurns(turns: unknown): string | null {
	if (!Array.isArray(turns)) return null;
	const lines = turns.filter(isObject).flatMap((turn) => {
		const said = text(turn.transcript) ?? text(turn.text);
		return said === null ? [] : [`${speakerLabel(turn.speaker ?? turn.author)}: ${said}`];
	});
	return lines.length ? lines.join('\n') : null;
}

/** A transcript that is already text, with the caller written as "User" (older payloads). */
function relabel(transcript: unknown): string | null {
	if (typeof transcript !== 'string' || transcript.trim() === '') return null;
	return transcript.replace(/^(User|Caller|Human):/gm, 'Contact:');
}

/** The transcript from whichever form the payload carries it in, whatever its shape. */
function transcriptOf(payload: IDataObject): string {
	return (
		transcriptFromTurns(payload.transcript) ??
		transcriptFromTurns(payload.conversation_history) ??
		relabel(payload.transcript) ??
		''
	);
}

/** The outcome, wherever either shape puts it. */
function outcomeOf(payload: IDataObject, call: IDataObject): string | null {
	const summaryData = isObject(payload.summary_data) ? payload.summary_data : {};
	return text(call.outcome) ?? text(summaryData.outcome) ?? text(payload.outcome);
}

/** The call summary, wherever either shape puts it. */
function summaryOf(payload: IDataObject, call: IDataObject): string | null {
	const summaryData = payload.summary_data;
	return (
		text(call.summary) ??
		text(payload.summary) ??
		(isObject(summaryData) ? text(summaryData.summary) : text(summaryData))
	);
}

function isCatalogShape(payload: IDataObject): boolean {
	return isObject(payload.call);
}

function fromCatalog(payload: IDataObject, event: ThoughtlyEvent): SimplifiedCall {
	const call = payload.call as IDataObject;
	const agent = isObject(payload.agent) ? payload.agent : {};
	const contact = isObject(payload.contact) ? payload.contact : {};
	return {
		triggerEvent: event,
		callId: text(call.id),
		agentId: text(call.interview_id) ?? text(agent.id),
		agentName: text(agent.title) ?? text(agent.name),
		contactId: text(call.contact_id) ?? text(contact.id),
		contactName: text(contact.name),
		contactPhoneNumber: text(contact.phone_number),
		agentPhoneNumber: text(agent.phone_number),
		direction: text(call.direction),
		status: text(call.status),
		outcome: outcomeOf(payload, call),
		summary: summaryOf(payload, call),
		durationSeconds: seconds(call.duration_seconds),
		startedAt: text(call.started_at),
		endedAt: text(call.ended_at),
		recordingUrl: text(call.recording_url),
		transcript: transcriptOf(payload),
		customFields: isObject(payload.custom_fields) ? payload.custom_fields : {},
	};
}

function fromLegacy(payload: IDataObject, event: ThoughtlyEvent): SimplifiedCall {
	const interview = isObject(payload.interview) ? payload.interview : {};
	const contact = isObject(payload.contact) ? payload.contact : {};
	const durationMs = seconds(payload.duration_ms);
	return {
		triggerEvent: event,
		callId: text(payload.id),
		agentId: text(interview.id),
		// The older payload names the agent only by the name it speaks as.
		agentName: text(interview.title) ?? text(interview.name) ?? text(payload.ai_name),
		contactId: text(contact.id),
		contactName: text(contact.name),
		// The older payload repeats the contact's number at the top level.
		contactPhoneNumber: text(contact.phone_number) ?? text(payload.phone_number),
		agentPhoneNumber: null,
		direction: text(payload.direction),
		status: text(payload.status),
		outcome: outcomeOf(payload, {}),
		summary: summaryOf(payload, {}),
		durationSeconds: durationMs === null ? null : Math.round(durationMs / 1000),
		startedAt: text(payload.start_time),
		endedAt: text(payload.end_time),
		recordingUrl: text(payload.recording_url),
		transcript: transcriptOf(payload),
		customFields: isObject(payload.metadata) ? payload.metadata : {},
	};
}

export function simplifyCall(payload: IDataObject, event: ThoughtlyEvent): SimplifiedCall {
	return isCatalogShape(payload) ? fromCatalog(payload, event) : fromLegacy(payload, event);
}
