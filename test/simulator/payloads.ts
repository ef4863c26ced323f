/**
 * Webhook payloads in the two shapes Thoughtly has been seen to send (NOTES.md):
 * `catalog` follows examples/thoughtly-new-response-webhook-example.json, `legacy` is the
 * older flat call object, which carries no event name.
 */
import { AGENT_SCRIPTS, DEFAULT_SCRIPT } from './seed';
import type { Agent, Call, Contact, EventType, PayloadShape } from './types';

export interface EventSource {
	type: EventType;
	agent: Agent;
	call: Call;
	contact?: Contact;
}

export function isFolderEvent(type: EventType): boolean {
	return type === 'FOLDER_NEW_RESPONSE' || type === 'FOLDER_PHONE_TRANSFER';
}

function isTransfer(type: EventType): boolean {
	return type === 'PHONE_TRANSFER' || type === 'FOLDER_PHONE_TRANSFER';
}

function compact<T extends Record<string, unknown>>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Where a transferred call went: the agent's escalation line, warm transfer. */
function transferDetails(source: EventSource) {
	const at = source.call.ended_at ?? source.call.updated_at;
	return {
		to_number: '+14155550100',
		type: 'warm',
		reason: 'Caller asked to speak with a person',
		transferred_at: at,
	};
}

function failedAction(source: EventSource) {
	return {
		action: { name: 'Book meeting (Calendly)', type: 'calendar_booking', node_id: 'node_book_meeting' },
		error: { message: 'Calendly answered 401 Unauthorized: the connected account token has expired', code: 'INTEGRATION_AUTH_FAILED' },
		failed_at: source.call.ended_at ?? source.call.updated_at,
	};
}

function catalogCall(call: Call, type: EventType) {
	return compact({
		id: call.id,
		interview_id: call.interview_id,
		contact_id: call.contact_id,
		direction: call.direction,
		status: isTransfer(type) ? 'transferred' : call.status,
		outcome: isTransfer(type) ? 'transferred' : call.outcome,
		duration_seconds: call.duration_seconds,
		recording_url: call.recording_url,
		started_at: call.started_at,
		ended_at: call.ended_at,
	});
}

function catalogPayload(source: EventSource): Record<string, unknown> {
	const { type, agent, call } = source;
	const body: Record<string, unknown> = {
		event: type,
		call: catalogCall(call, type),
		agent: compact({ id: agent.id, title: agent.title, phone_number: agent.phone_number }),
		transcript: call.transcript.map((turn) => ({ ...turn })),
		custom_fields: { ...(call.metadata ?? {}) },
	};
	if (isFolderEvent(type)) body.folder_id = agent.folder_id;
	if (isTransfer(type)) body.transfer = transferDetails(source);
	if (type === 'ACTION_FAILED') Object.assign(body, failedAction(source));
	return body;
}

function summaryOf(call: Call): string | undefined {
	const script = Object.values(AGENT_SCRIPTS).find((s) => s.outcome === call.outcome);
	return script?.summary;
}

function legacyPayload(source: EventSource): Record<string, unknown> {
	const { type, agent, call, contact } = source;
	const started = Date.parse(call.started_at ?? call.created_at);
	const persona = (AGENT_SCRIPTS[agent.id] ?? DEFAULT_SCRIPT).persona;
	const body: Record<string, unknown> = {
		id: call.id,
		created: call.created_at,
		updated: call.updated_at,
		interview: { id: agent.id },
		contact: contact
			? compact({
					id: contact.id,
					name: contact.name,
					phone_number: contact.phone_number,
					email: contact.email,
					attributes: contact.attributes ?? {},
					tags: contact.tags ?? [],
					status: 'ACTIVE',
					created: contact.created_at,
				})
			: { id: call.contact_id },
		type: 'PHONE_CALL',
		status: isTransfer(type) ? 'transferred' : call.status,
		start_time: call.started_at,
		end_time: call.ended_at,
		// The older payload carries the duration as a string of milliseconds.
		duration_ms: String((call.duration_seconds ?? 0) * 1000),
		conversation_history: call.transcript.map((turn, i) => ({
			date: turn.createdAt,
			text: turn.transcript,
			author: turn.speaker,
			audio_url: `https://recordings.thoughtly.com/${call.id}/turn-${i + 1}.mp3`,
			cumulative_duration_ms: Math.max(0, Date.parse(turn.createdAt) - started),
		})),
		ai_name: persona,
		phone_number: contact?.phone_number,
		recording_url: call.recording_url,
		transcript: call.transcript.map((t) => `${t.speaker === 'ai' ? 'Agent' : 'User'}: ${t.transcript}`).join('\n'),
		summary_data: compact({ outcome: call.outcome, summary: summaryOf(call) }),
		metadata: { ...(call.metadata ?? {}) },
	};
	if (isTransfer(type)) body.transfer = transferDetails(source);
	if (type === 'ACTION_FAILED') Object.assign(body, failedAction(source));
	return compact(body);
}

export function buildPayload(source: EventSource, shape: PayloadShape): Record<string, unknown> {
	return shape === 'legacy' ? legacyPayload(source) : catalogPayload(source);
}
