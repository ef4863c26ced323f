/**
 * Deterministic seed data. Every ID and token is a constant in SEED so tests can name the
 * records they expect without reading them back from the simulator first.
 */
import type { Agent, Automation, Call, Contact, TeamState, TranscriptTurn } from './types';

export const SEED = {
	apiToken: 'tk_sim_team_one',
	teamId: 'team_sim_one',
	teamName: 'Northwind Analytics',
	user: { id: 'usr_sim_one', name: 'Jordan Rivera', email: 'jordan.rivera@northwind.example' },
	agents: {
		/** Active voice agent, folder `sales`. */
		salesQualifier: 'agt_sim_sales_qualifier',
		/** Active voice agent, folder `scheduling`. */
		appointmentReminder: 'agt_sim_appointment_reminder',
		/** ARCHIVED: hidden from GET /interview unless all_interviews or status=ARCHIVED. */
		archived: 'agt_sim_winter_promo',
		/** Active, but outbound calling is disabled: POST /contact/call answers 403. */
		outboundDisabled: 'agt_sim_inbound_support',
	},
	agentTitles: {
		salesQualifier: 'Sales Qualifier',
		appointmentReminder: 'Appointment Reminder',
		archived: 'Winter Promo 2025',
		outboundDisabled: 'Inbound Support Line',
	},
	folders: {
		sales: 'fld_sim_sales',
		scheduling: 'fld_sim_scheduling',
		support: 'fld_sim_support',
	},
	contacts: {
		averyLee: 'cnt_sim_avery_lee',
		jordanPatel: 'cnt_sim_jordan_patel',
		mariaGonzalez: 'cnt_sim_maria_gonzalez',
		chenWei: 'cnt_sim_chen_wei',
		priyaRaman: 'cnt_sim_priya_raman',
		/** Came in through web chat: has an email but no phone number. */
		chatVisitor: 'cnt_sim_chat_visitor',
	},
	calls: {
		/** Sales Qualifier → Avery Lee: success / qualified, job springCampaign. */
		averyQualified: 'call_sim_avery_qualified',
		/** Sales Qualifier → Priya Raman: voicemail, job springCampaign. */
		priyaVoicemail: 'call_sim_priya_voicemail',
		/** Sales Qualifier → María González: failure / DNQ, no job. */
		mariaNotInterested: 'call_sim_maria_not_interested',
		/** Appointment Reminder → Jordan Patel: success / confirmed, job reminders. */
		jordanConfirmed: 'call_sim_jordan_confirmed',
		/** Winter Promo (archived) → Chen Wei: success / booked. */
		chenBooked: 'call_sim_chen_booked',
	},
	jobs: {
		springCampaign: 'job_sim_spring_campaign',
		reminders: 'job_sim_reminders_0524',
	},
	automations: {
		/** Team one, no webhook verification: anyone may trigger it. */
		leadIntake: 'aut_sim_lead_intake',
		/** Team two, whose team has webhook verification on: needs x-api-token tk_sim_team_two. */
		verifiedFollowUp: 'aut_sim_verified_follow_up',
	},
	/** Team one's seeded record counts (before extraContacts). */
	counts: { agents: 4, activeAgents: 3, contacts: 6, contactsWithPhone: 5, calls: 5 },
	otherTeam: {
		apiToken: 'tk_sim_team_two',
		teamId: 'team_sim_two',
		teamName: 'Bluebird Insurance',
		user: { id: 'usr_sim_two', name: 'Sam Okafor', email: 'sam.okafor@bluebird.example' },
		agents: { renewalConcierge: 'agt_sim_two_renewal_concierge' },
		folders: { main: 'fld_sim_two_main' },
		contacts: { boJensen: 'cnt_sim_two_bo_jensen', ameliaClarke: 'cnt_sim_two_amelia_clarke' },
		calls: { boRenewed: 'call_sim_two_bo_renewed' },
		automations: { verifiedFollowUp: 'aut_sim_verified_follow_up' },
	},
} as const;

/**
 * What an agent says when the simulator plays one of its calls. `{key|fallback}` is filled from
 * the call's metadata, then the contact's attributes and name, as Thoughtly fills script
 * placeholders.
 */
export interface AgentScript {
	persona: string;
	direction: 'inbound' | 'outbound';
	status: string;
	outcome: string;
	tags: string[];
	/** Seconds between turns. */
	turnSeconds: number;
	turns: Array<{ speaker: 'ai' | 'user'; text: string; node_id?: string }>;
	summary: string;
}

const qualifyScript: AgentScript = {
	persona: 'Maya',
	direction: 'outbound',
	status: 'success',
	outcome: 'qualified',
	tags: ['qualified'],
	turnSeconds: 30,
	turns: [
		{ speaker: 'ai', node_id: 'node_intro', text: 'Hi {first_name|there}, this is Maya from Northwind Analytics. Is now a good time?' },
		{ speaker: 'user', text: "Yes, what's this about?" },
		{ speaker: 'ai', node_id: 'node_qualify_seats', text: 'You requested a demo of our {product|analytics platform}. How many seats are you looking for?' },
		{ speaker: 'user', text: 'Around twenty-five, starting next quarter.' },
		{ speaker: 'ai', node_id: 'node_handoff', text: 'That fits our Growth plan. An account executive will email you times for a demo today.' },
		{ speaker: 'user', text: 'Great, thanks.' },
	],
	summary: 'Interested in a demo for about 25 seats next quarter.',
};

const voicemailScript: AgentScript = {
	persona: 'Maya',
	direction: 'outbound',
	status: 'voicemail',
	outcome: 'voicemail',
	tags: ['voicemail'],
	turnSeconds: 20,
	turns: [
		{ speaker: 'ai', node_id: 'node_voicemail', text: 'Hi {first_name|there}, this is Maya from Northwind Analytics about your demo request. Call us back at +1 415 555 7788.' },
	],
	summary: 'Left a voicemail.',
};

const notInterestedScript: AgentScript = {
	persona: 'Maya',
	direction: 'outbound',
	status: 'failure',
	outcome: 'DNQ',
	tags: ['not-interested'],
	turnSeconds: 15,
	turns: [
		{ speaker: 'ai', node_id: 'node_intro', text: 'Hi {first_name|there}, this is Maya from Northwind Analytics. Is now a good time?' },
		{ speaker: 'user', text: "No, we already chose another vendor. Please don't call again." },
		{ speaker: 'ai', node_id: 'node_close', text: 'Understood, I have noted that. Have a good day.' },
	],
	summary: 'Chose another vendor; asked not to be called again.',
};

const reminderScript: AgentScript = {
	persona: 'Leo',
	direction: 'outbound',
	status: 'success',
	outcome: 'confirmed',
	tags: ['confirmed'],
	turnSeconds: 12,
	turns: [
		{ speaker: 'ai', node_id: 'node_reminder', text: 'Hi {first_name|there}, this is Leo from Northwind Analytics confirming your onboarding session {appointment_time|tomorrow at 10 AM}.' },
		{ speaker: 'user', text: "Yes, I'll be there." },
		{ speaker: 'ai', node_id: 'node_confirmed', text: 'Perfect, you are confirmed. See you then.' },
	],
	summary: 'Confirmed the onboarding session.',
};

const promoScript: AgentScript = {
	persona: 'Maya',
	direction: 'outbound',
	status: 'success',
	outcome: 'booked',
	tags: ['booked', 'promo'],
	turnSeconds: 25,
	turns: [
		{ speaker: 'ai', node_id: 'node_offer', text: 'Hi {first_name|there}, Northwind Analytics has a winter offer: two months free on annual plans. Interested?' },
		{ speaker: 'user', text: 'Sure, book me a call with sales.' },
		{ speaker: 'ai', node_id: 'node_book', text: 'Booked for Thursday at 2 PM. You will get an invite shortly.' },
	],
	summary: 'Booked a sales call from the winter offer.',
};

const supportScript: AgentScript = {
	persona: 'Ava',
	direction: 'inbound',
	status: 'success',
	outcome: 'resolved',
	tags: ['support'],
	turnSeconds: 20,
	turns: [
		{ speaker: 'ai', node_id: 'node_greeting', text: 'Thanks for calling Northwind Analytics support, this is Ava. How can I help?' },
		{ speaker: 'user', text: 'I cannot export my dashboard to PDF.' },
		{ speaker: 'ai', node_id: 'node_kb_answer', text: 'Open the dashboard menu and choose Export, then PDF. I have also emailed you the steps.' },
	],
	summary: 'Explained how to export a dashboard to PDF.',
};

const renewalScript: AgentScript = {
	persona: 'Nora',
	direction: 'outbound',
	status: 'success',
	outcome: 'renewed',
	tags: ['renewed'],
	turnSeconds: 20,
	turns: [
		{ speaker: 'ai', node_id: 'node_renewal', text: 'Hello {first_name|there}, this is Nora from Bluebird Insurance. Your policy renews next month. Shall I keep the same cover?' },
		{ speaker: 'user', text: 'Yes, keep it as it is.' },
		{ speaker: 'ai', node_id: 'node_done', text: 'Done. You will receive the renewal documents by email.' },
	],
	summary: 'Renewed with the same cover.',
};

/** The script each agent plays when a new call completes. */
export const AGENT_SCRIPTS: Record<string, AgentScript> = {
	[SEED.agents.salesQualifier]: qualifyScript,
	[SEED.agents.appointmentReminder]: reminderScript,
	[SEED.agents.archived]: promoScript,
	[SEED.agents.outboundDisabled]: supportScript,
	[SEED.otherTeam.agents.renewalConcierge]: renewalScript,
};

/** Fallback for agents without a script of their own. */
export const DEFAULT_SCRIPT = qualifyScript;

function firstName(name?: string): string | undefined {
	return name?.trim().split(/\s+/)[0] || undefined;
}

function fill(text: string, contact: Contact | undefined, metadata: Record<string, unknown> | undefined): string {
	return text.replace(/\{(\w+)(?:\|([^}]*))?\}/g, (whole, key: string, fallback?: string) => {
		const fromMetadata = metadata?.[key];
		if (fromMetadata !== undefined && fromMetadata !== null && fromMetadata !== '') return String(fromMetadata);
		const fromAttributes = contact?.attributes?.[key];
		if (fromAttributes !== undefined && fromAttributes !== null && fromAttributes !== '') return String(fromAttributes);
		if (key === 'first_name' && firstName(contact?.name)) return firstName(contact?.name)!;
		if (key === 'name' && contact?.name) return contact.name;
		return fallback ?? whole;
	});
}

/** How long a call playing this script lasts, in seconds. */
export function scriptDuration(script: AgentScript): number {
	return script.turns.length * script.turnSeconds + 6;
}

/** Plays a script: the transcript turns and the call's end time, both derived from the start. */
export function playScript(
	script: AgentScript,
	contact: Contact | undefined,
	metadata: Record<string, unknown> | undefined,
	startedAt: Date,
): { transcript: TranscriptTurn[]; durationSeconds: number; endedAt: Date } {
	let step = 0;
	const transcript = script.turns.map((turn, index) => {
		const createdAt = new Date(startedAt.getTime() + (index * script.turnSeconds + 4) * 1000).toISOString();
		const entry: TranscriptTurn = { transcript: fill(turn.text, contact, metadata), speaker: turn.speaker, createdAt };
		if (turn.speaker === 'ai') {
			step += 1;
			entry.step = step;
			if (turn.node_id) entry.node_id = turn.node_id;
		}
		return entry;
	});
	const durationSeconds = scriptDuration(script);
	return { transcript, durationSeconds, endedAt: new Date(startedAt.getTime() + durationSeconds * 1000) };
}

function agent(
	id: string,
	title: string,
	fields: Partial<Agent> & Pick<Agent, 'folder_id' | 'created_at' | 'outcomes'>,
): Agent {
	// Written out field by field so the API answers keep a readable key order.
	return {
		id,
		title,
		status: fields.status ?? 'ACTIVE',
		channel: fields.channel ?? 'voice',
		phone_number: fields.phone_number,
		folder_id: fields.folder_id,
		outbound_calling_enabled: fields.outbound_calling_enabled ?? true,
		voice_id: fields.voice_id ?? 'voice_sim_maya',
		outcomes: fields.outcomes,
		created_at: fields.created_at,
		updated_at: fields.updated_at ?? fields.created_at,
	};
}

function pastCall(
	id: string,
	agentId: string,
	contact: Contact,
	script: AgentScript,
	startedAt: string,
	extra: { job_id?: string; metadata?: Record<string, unknown> } = {},
): Call {
	const started = new Date(startedAt);
	const played = playScript(script, contact, extra.metadata, started);
	const call: Call = {
		id,
		interview_id: agentId,
		contact_id: contact.id,
		direction: script.direction,
		status: script.status,
		outcome: script.outcome,
		duration_seconds: played.durationSeconds,
		recording_url: `https://recordings.thoughtly.com/${id}.mp3`,
		transcript: played.transcript,
		tags: [...script.tags],
		created_at: new Date(started.getTime() - 5000).toISOString(),
		updated_at: played.endedAt.toISOString(),
		started_at: started.toISOString(),
		ended_at: played.endedAt.toISOString(),
	};
	if (extra.job_id) call.job_id = extra.job_id;
	if (extra.metadata) call.metadata = extra.metadata;
	return call;
}

function contact(id: string, fields: Omit<Contact, 'id' | 'updated_at'>): Contact {
	return { id, ...fields, updated_at: fields.created_at };
}

function teamOne(): TeamState {
	const A = SEED.agents;
	const agents: Agent[] = [
		agent(A.salesQualifier, SEED.agentTitles.salesQualifier, {
			phone_number: '+14155557788',
			folder_id: SEED.folders.sales,
			outcomes: ['qualified', 'DNQ', 'voicemail', 'callback'],
			created_at: '2026-01-12T09:00:00.000Z',
		}),
		agent(A.appointmentReminder, SEED.agentTitles.appointmentReminder, {
			phone_number: '+14155557790',
			voice_id: 'voice_sim_leo',
			folder_id: SEED.folders.scheduling,
			outcomes: ['confirmed', 'rescheduled', 'cancelled'],
			created_at: '2026-02-03T14:30:00.000Z',
		}),
		agent(A.archived, SEED.agentTitles.archived, {
			status: 'ARCHIVED',
			phone_number: '+14155557791',
			folder_id: SEED.folders.sales,
			outcomes: ['booked', 'not-interested'],
			created_at: '2025-11-20T10:00:00.000Z',
			updated_at: '2026-01-08T12:00:00.000Z',
		}),
		agent(A.outboundDisabled, SEED.agentTitles.outboundDisabled, {
			phone_number: '+14155557799',
			channel: 'omnichannel',
			voice_id: 'voice_sim_ava',
			folder_id: SEED.folders.support,
			outbound_calling_enabled: false,
			outcomes: ['resolved', 'escalated'],
			created_at: '2026-03-15T16:45:00.000Z',
		}),
	];
	const C = SEED.contacts;
	const avery = contact(C.averyLee, {
		phone_number: '+14155550123',
		name: 'Avery Lee',
		email: 'avery@example.com',
		country_code: 'US',
		tags: ['lead', 'demo-request'],
		attributes: { company: 'Acme Corp', plan_interest: 'starter' },
		created_at: '2026-05-01T10:00:00.000Z',
	});
	const jordan = contact(C.jordanPatel, {
		phone_number: '+14155550188',
		name: 'Jordan Patel',
		email: 'jordan.patel@example.com',
		country_code: 'US',
		tags: ['customer', 'vip'],
		attributes: { company: 'Globex', appointment_time: 'on Friday at 3 PM' },
		created_at: '2026-05-02T10:00:00.000Z',
	});
	const maria = contact(C.mariaGonzalez, {
		phone_number: '+34911234567',
		name: 'María González',
		email: 'maria.gonzalez@example.es',
		country_code: 'ES',
		tags: ['lead', 'spanish'],
		attributes: { company: 'Iberia Retail', preferred_language: 'es' },
		created_at: '2026-05-03T10:00:00.000Z',
	});
	const chen = contact(C.chenWei, {
		phone_number: '+442071838750',
		name: 'Chen Wei',
		email: 'chen.wei@example.co.uk',
		country_code: 'GB',
		tags: ['customer'],
		attributes: { company: 'Thames Logistics' },
		created_at: '2026-05-04T10:00:00.000Z',
	});
	const priya = contact(C.priyaRaman, {
		phone_number: '+14155550142',
		name: 'Priya Raman',
		email: 'priya.raman@example.com',
		country_code: 'US',
		tags: ['lead', 'do-not-call'],
		attributes: { company: 'Initech', lead_score: 41 },
		created_at: '2026-05-05T10:00:00.000Z',
	});
	const visitor = contact(C.chatVisitor, {
		name: 'Robin Chatfield',
		email: 'robin.chatfield@example.org',
		tags: ['chat'],
		attributes: { source: 'web-chat' },
		created_at: '2026-05-06T10:00:00.000Z',
	});
	const K = SEED.calls;
	const calls: Call[] = [
		pastCall(K.averyQualified, A.salesQualifier, avery, qualifyScript, '2026-05-20T15:31:10.000Z', {
			job_id: SEED.jobs.springCampaign,
			metadata: { campaign: 'spring-outbound', source: 'hubspot', lead_score: '82' },
		}),
		pastCall(K.priyaVoicemail, A.salesQualifier, priya, voicemailScript, '2026-05-20T15:40:00.000Z', {
			job_id: SEED.jobs.springCampaign,
			metadata: { campaign: 'spring-outbound' },
		}),
		pastCall(K.mariaNotInterested, A.salesQualifier, maria, notInterestedScript, '2026-05-21T09:12:00.000Z'),
		pastCall(K.jordanConfirmed, A.appointmentReminder, jordan, reminderScript, '2026-05-24T08:00:00.000Z', {
			job_id: SEED.jobs.reminders,
		}),
		pastCall(K.chenBooked, A.archived, chen, promoScript, '2025-12-10T11:00:00.000Z'),
	];
	// The Sales Qualifier's first call is tagged hot-lead too, so tag filters have an any-of case.
	calls[0].tags.push('hot-lead');
	const automations: Automation[] = [{ id: SEED.automations.leadIntake, name: 'New lead → qualification call' }];
	return {
		id: SEED.teamId,
		name: SEED.teamName,
		apiToken: SEED.apiToken,
		webhookVerification: false,
		user: { ...SEED.user, team_id: SEED.teamId },
		agents,
		contacts: [avery, jordan, maria, chen, priya, visitor],
		calls,
		webhooks: [],
		automations,
		automationRuns: [],
	};
}

function teamTwo(): TeamState {
	const T = SEED.otherTeam;
	const bo = contact(T.contacts.boJensen, {
		phone_number: '+4520123456',
		name: 'Bo Jensen',
		email: 'bo.jensen@example.dk',
		country_code: 'DK',
		tags: ['policyholder'],
		attributes: { policy: 'HOME-2231' },
		created_at: '2026-04-11T09:00:00.000Z',
	});
	const amelia = contact(T.contacts.ameliaClarke, {
		phone_number: '+61291234567',
		name: 'Amelia Clarke',
		email: 'amelia.clarke@example.com.au',
		country_code: 'AU',
		tags: ['policyholder', 'lead'],
		attributes: { policy: 'AUTO-9921' },
		created_at: '2026-04-12T09:00:00.000Z',
	});
	return {
		id: T.teamId,
		name: T.teamName,
		apiToken: T.apiToken,
		webhookVerification: true,
		user: { ...T.user, team_id: T.teamId },
		agents: [
			agent(T.agents.renewalConcierge, 'Renewal Concierge', {
				phone_number: '+4533123456',
				voice_id: 'voice_sim_nora',
				folder_id: T.folders.main,
				outcomes: ['renewed', 'cancelled', 'callback'],
				created_at: '2026-04-01T09:00:00.000Z',
			}),
		],
		contacts: [bo, amelia],
		calls: [
			pastCall(T.calls.boRenewed, T.agents.renewalConcierge, bo, renewalScript, '2026-05-18T13:00:00.000Z', {
				job_id: 'job_sim_two_renewals_may',
			}),
		],
		webhooks: [],
		automations: [{ id: T.automations.verifiedFollowUp, name: 'Renewal follow-up' }],
		automationRuns: [],
	};
}

const BULK_EPOCH = Date.parse('2026-04-01T00:00:00.000Z');

/** The n-th generated contact (1-based): same index, same contact, every run. */
export function bulkContact(index: number): Contact {
	const n = String(index).padStart(5, '0');
	const created = new Date(BULK_EPOCH + index * 60_000).toISOString();
	return {
		id: `cnt_sim_bulk_${n}`,
		phone_number: `+1555${1_000_000 + index}`,
		name: `Bulk Contact ${n}`,
		email: `bulk.${n}@example.com`,
		country_code: 'US',
		tags: ['bulk', index % 2 === 0 ? 'even' : 'odd'],
		attributes: { batch: Math.ceil(index / 100) },
		created_at: created,
		updated_at: created,
	};
}

/** A fresh copy of every team as seeded. */
export function seedTeams(extraContacts = 0): Record<string, TeamState> {
	const one = teamOne();
	for (let i = 1; i <= extraContacts; i++) one.contacts.push(bulkContact(i));
	const two = teamTwo();
	return { [one.id]: one, [two.id]: two };
}
