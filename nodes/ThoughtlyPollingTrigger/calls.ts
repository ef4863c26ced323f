import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { pathId } from '../Thoughtly/helpers/parameters';
import type { ThoughtlyPage } from '../Thoughtly/transport';
import { MAX_PAGE_SIZE, thoughtlyApiRequestAllItems, thoughtlyApiRequestPage } from '../Thoughtly/transport';
import { completedAt } from './cursor';

/** Pages of one agent's calls read at most per poll (50 calls each). */
export const MAX_PAGES_PER_AGENT = 10;

/** The team's agents, as `GET /interview` lists them (active ones: archived agents take no calls). */
export async function listAgents(this: IPollFunctions): Promise<IDataObject[]> {
	return await thoughtlyApiRequestAllItems.call(this, { endpoint: '/interview', listKey: 'interviews' });
}

async function readPage(this: IPollFunctions, agentId: string, page: number): Promise<ThoughtlyPage> {
	return await thoughtlyApiRequestPage.call(this, {
		endpoint: `/interview/${pathId(agentId)}/responses`,
		listKey: 'responses',
		page,
		pageSize: MAX_PAGE_SIZE,
	});
}

/**
 * Whether the list starts with its oldest calls. The spec documents no order, so it is read from
 * the page itself: the first completed call older than the last one. Undecidable pages (one call,
 * equal times) are taken for newest first, which then holds everything on one page anyway.
 */
function isOldestFirst(records: IDataObject[]): boolean {
	const times = records.map(completedAt).filter((time): time is number => time !== undefined);
	return times.length > 1 && times[0] < times[times.length - 1];
}

/**
 * The number of calls in the list, when the answer says so. A count no larger than a full first
 * page may be the count of that page alone (NOTES.md: lists "may" carry a total), so it says nothing.
 */
function totalOf(first: ThoughtlyPage): number | undefined {
	const { total, records } = first;
	return total !== undefined && (total > records.length || records.length < MAX_PAGE_SIZE) ? total : undefined;
}

/** The index of the list's last page: from its total, or 0 when the first page is its only one. */
function lastPageOf(this: IPollFunctions, agentId: string, first: ThoughtlyPage): number {
	const total = totalOf(first);
	if (total !== undefined) return Math.max(0, Math.ceil(total / MAX_PAGE_SIZE) - 1);
	if (first.records.length < MAX_PAGE_SIZE) return 0;
	throw new NodeOperationError(
		this.getNode(),
		`Thoughtly lists the calls of agent ${agentId} oldest first without saying how many there are`,
		{ description: 'The newest calls are then on the last page, which only reading every page would find.' },
	);
}

/**
 * Reads one agent's calls from the newest end of the list towards the oldest, and returns the
 * calls `isNew` accepts (a call may come twice when the list moved between two pages). Paging
 * stops at a page that holds nothing new, at the end of the list, or after `maxPages` pages.
 * Newest first, the newest end is page 0; oldest first, it is the last page, which the list's
 * total names.
 */
export async function readNewCalls(
	this: IPollFunctions,
	agentId: string,
	isNew: (call: IDataObject) => boolean,
	maxPages = MAX_PAGES_PER_AGENT,
): Promise<IDataObject[]> {
	const first = await readPage.call(this, agentId, 0);
	const backwards = isOldestFirst(first.records);
	const lastPage = backwards ? lastPageOf.call(this, agentId, first) : undefined;
	const found: IDataObject[] = [];
	let page = lastPage ?? 0;
	for (let read = 1; ; read++) {
		const { records } = page === 0 ? first : await readPage.call(this, agentId, page);
		const fresh = records.filter(isNew);
		found.push(...fresh);
		const atEnd = backwards ? page === 0 : records.length < MAX_PAGE_SIZE || isLastPage(first, page);
		if (atEnd || read >= maxPages || fresh.length === 0) return found;
		page = backwards ? page - 1 : page + 1;
	}
}

function isLastPage(first: ThoughtlyPage, page: number): boolean {
	const total = totalOf(first);
	return total !== undefined && (page + 1) * MAX_PAGE_SIZE >= total;
}
