import type { IDataObject } from 'n8n-workflow';

/**
 * How far back from the newest call seen a call is still taken for new. Thoughtly may list a call
 * a little after a later one (its recording and transcript take time), so the IDs of the calls
 * seen in this window are kept, and anything older counts as seen.
 */
export const LOOKBACK_MS = 15 * 60_000;

/** Where one agent's calls stood at the last poll. */
export interface AgentCursor extends IDataObject {
	/** Completion time (ms, Thoughtly's clock) of the newest call seen. */
	newest: number | null;
	/** The calls seen that completed within LOOKBACK_MS of `newest`: ID → completion time. */
	seen: Record<string, number>;
}

/** The node's static data. Plain JSON: n8n stores it with the workflow. */
export interface PollState extends IDataObject {
	/** The agent ID, or ALL_AGENTS, the state was built for. */
	scope: string;
	/** Completion time of the newest call at activation: no call that completed then or before is emitted. */
	since: number | null;
	agents: Record<string, AgentCursor>;
}

/** When a listed call completed, or undefined while it has no end time (it is not completed). */
export function completedAt(call: IDataObject): number | undefined {
	// `ended_at` in the API catalog's shape, `end_time` in the older flat one (NOTES.md).
	for (const value of [call.ended_at, call.end_time]) {
		const time = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : NaN;
		if (Number.isFinite(time)) return time;
	}
	return undefined;
}

function callId(call: IDataObject): string | undefined {
	return typeof call.id === 'string' || typeof call.id === 'number' ? String(call.id) : undefined;
}

export function readPollState(staticData: IDataObject, scope: string): PollState | undefined {
	const state = staticData as Partial<PollState>;
	if (state.scope !== scope || typeof state.agents !== 'object' || state.agents === null) return undefined;
	return state as PollState;
}

/** Replaces the static data with `state` (n8n saves the object it handed out, so it is changed in place). */
export function writePollState(staticData: IDataObject, state: PollState): void {
	for (const key of Object.keys(staticData)) delete staticData[key];
	Object.assign(staticData, state);
}

/**
 * One agent's calls during a poll: which listed calls are new, and the cursor to keep once the
 * poll succeeded. The stored cursor is never changed, so a failed poll leaves it as it was.
 */
export class AgentCalls {
	private newest: number | null;

	private readonly seen: Record<string, number>;

	private readonly floor: number;

	constructor(cursor: AgentCursor | undefined, since: number | null) {
		this.newest = cursor?.newest ?? null;
		this.seen = { ...(cursor?.seen ?? {}) };
		this.floor = Math.max(since ?? -Infinity, this.newest === null ? -Infinity : this.newest - LOOKBACK_MS);
	}

	/** A completed call not seen before, and not older than what was already seen. */
	isNew(call: IDataObject): boolean {
		const id = callId(call);
		const time = completedAt(call);
		return id !== undefined && time !== undefined && time > this.floor && !(id in this.seen);
	}

	/** Counts a call as seen (emitted, or already there at activation). */
	see(call: IDataObject): void {
		const id = callId(call);
		const time = completedAt(call);
		if (id === undefined || time === undefined) return;
		this.seen[id] = time;
		if (this.newest === null || time > this.newest) this.newest = time;
	}

	/** The cursor to store: the seen IDs still inside the look-back window. */
	cursor(): AgentCursor {
		const keepFrom = this.newest === null ? -Infinity : this.newest - LOOKBACK_MS;
		const seen: Record<string, number> = {};
		for (const [id, time] of Object.entries(this.seen)) if (time > keepFrom) seen[id] = time;
		return { newest: this.newest, seen };
	}
}
