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

function speakerLabel(speaker: unknown): string {
	return speaker === 'ai' || speaker === 'agent' ? 'Agent' : 'Contact';
}

/** One line per turn: "Agent: …" / "Contact: …". */
function transcriptText(turns: unknown, textKey: string, speakerKey: string): string | null {
	if (!Array.isArray(turns)) return null;
	return turns
		.filter(isObject)
		.filter((turn) => typeof turn[textKey] === 'string')
		.map((turn) => `${speakerLabel(turn[speakerKey])}: ${turn[textKey] as string}`)
		.join('\n');
}

/** The older payload's transcript is already text, with the caller written as "User". */
function relabel(transcript: unknown): string | null {
	return typeof transcript === 'string' ? transcript.replace(/^(User|Caller|Human):/gm, 'Contact:') : null;
}

export function isCatalogShape(payload: IDataObject): boolean {
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
		outcome: text(call.outcome),
		summary: text(call.summary) ?? text(payload.summary),
		durationSeconds: seconds(call.duration_seconds),
		startedAt: text(call.started_at),
		endedAt: text(call.ended_at),
		recordingUrl: text(call.recording_url),
		transcript: transcriptText(payload.transcript, 'transcript', 'speaker') ?? relabel(payload.transcript) ?? '',
		customFields: isObject(payload.custom_fields) ? payload.custom_fields : {},
	};
}

function fromLegacy(payload: IDataObject, event: ThoughtlyEvent): SimplifiedCall {
	const interview = isObject(payload.interview) ? payload.interview : {};
	const contact = isObject(payload.contact) ? payload.contact : {};
	const summary = isObject(payload.summary_data) ? payload.summary_data : {};
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
		outcome: text(summary.outcome) ?? text(payload.outcome),
		summary: text(summary.summary),
		durationSeconds: durationMs === null ? null : Math.round(durationMs / 1000),
		startedAt: text(payload.start_time),
		endedAt: text(payload.end_time),
		recordingUrl: text(payload.recording_url),
		transcript: transcriptText(payload.conversation_history, 'text', 'author') ?? relabel(payload.transcript) ?? '',
		customFields: isObject(payload.metadata) ? payload.metadata : {},
	};
}

export function simplifyCall(payload: IDataObject, event: ThoughtlyEvent): SimplifiedCall {
	return isCatalogShape(payload) ? fromCatalog(payload, event) : fromLegacy(payload, event);
}
