import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import type { ThoughtlyPage } from '../transport';
import { MAX_PAGE_SIZE, pageIgnored, thoughtlyApiRequestPage } from '../transport';

/**
 * Resource locator lists. Thoughtly searches on its side (`search`), so the filter typed in the
 * editor is sent along and every page holds only matching records; the pagination token names
 * the next 0-based page (see readToken).
 */
export async function searchAgents(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs = searchQuery(filter, { sort: 'title_asc' });
	return await searchPage.call(this, '/interview', 'interviews', qs, paginationToken, agentName);
}

/**
 * The agents that can place a call (Contact → Call). Thoughtly answers 403 when an agent's
 * outbound calling is off, so agents whose record says so are left out.
 */
export async function searchCallingAgents(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs = searchQuery(filter, { sort: 'title_asc' });
	return await searchPage.call(this, '/interview', 'interviews', qs, paginationToken, agentName, canPlaceCalls);
}

export async function searchContacts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs = searchQuery(filter);
	return await searchPage.call(this, '/contact', 'contacts', qs, paginationToken, contactName);
}

/** The contacts an agent can call (Contact → Call): only those with a phone number. */
export async function searchCallableContacts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs = searchQuery(filter, { phone_numbers_only: true });
	return await searchPage.call(this, '/contact', 'contacts', qs, paginationToken, contactName);
}

/** One page of a list endpoint as picker entries: the record's name, its ID as the value. */
async function searchPage(
	this: ILoadOptionsFunctions,
	endpoint: string,
	listKey: string,
	qs: IDataObject,
	paginationToken: string | undefined,
	nameOf: (record: IDataObject) => string,
	offer: (record: IDataObject) => boolean = () => true,
): Promise<INodeListSearchResult> {
	const { page, firstIdBefore } = readToken(paginationToken);
	const result = await thoughtlyApiRequestPage.call(this, {
		endpoint,
		listKey,
		qs,
		page,
		pageSize: MAX_PAGE_SIZE,
	});
	if (page > 0 && result.records.length > 0 && String(result.records[0].id) === firstIdBefore) {
		throw pageIgnored(this.getNode(), endpoint, page);
	}
	return {
		results: result.records.filter(offer).map(
			(record): INodeListSearchItems => ({ name: nameOf(record), value: String(record.id) }),
		),
		paginationToken: nextPageToken(result, page),
	};
}

function searchQuery(filter: string | undefined, extra: IDataObject = {}): IDataObject {
	const search = filter?.trim();
	return search ? { ...extra, search } : { ...extra };
}

/**
 * The token is `<next page>:<ID of the first record shown>`: the ID tells whether Thoughtly
 * served the same page again instead of the next one (it ignores `page`).
 */
function readToken(token: string | undefined): { page: number; firstIdBefore?: string } {
	const colon = (token ?? '').indexOf(':');
	const page = Number(colon < 0 ? token : token?.slice(0, colon));
	if (!Number.isInteger(page) || page <= 0) return { page: 0 };
	return { page, firstIdBefore: colon < 0 ? undefined : token?.slice(colon + 1) };
}

/** A next page exists while the total says so, or (without a total) while pages come back full. */
function nextPageToken(result: ThoughtlyPage, page: number): string | undefined {
	const seen = page * MAX_PAGE_SIZE + result.records.length;
	const more =
		result.total !== undefined ? seen < result.total : result.records.length === MAX_PAGE_SIZE;
	return more && result.records.length > 0 ? `${page + 1}:${String(result.records[0].id)}` : undefined;
}

function agentName(agent: IDataObject): string {
	const title = typeof agent.title === 'string' && agent.title.trim() ? agent.title : String(agent.id);
	return agent.status === 'ARCHIVED' ? `${title} (archived)` : title;
}

/** Left out only when Thoughtly says so: records without the flag are offered. */
function canPlaceCalls(agent: IDataObject): boolean {
	return agent.outbound_calling_enabled !== false;
}

/** "Avery Lee (+14155550123)": the name people know, with the number that tells namesakes apart. */
function contactName(contact: IDataObject): string {
	const name = typeof contact.name === 'string' ? contact.name.trim() : '';
	const reach = [contact.phone_number, contact.email].find(
		(value): value is string => typeof value === 'string' && value.trim() !== '',
	);
	if (name && reach) return `${name} (${reach})`;
	return name || reach || String(contact.id);
}
