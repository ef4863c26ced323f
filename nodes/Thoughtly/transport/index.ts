import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { requestWindowFor } from './requestWindow';
import type { Sender, ThoughtlyFailure, ThoughtlyResponse } from './send';
import { describeFailure, isFailure, normalizeBaseUrl, sendToThoughtly } from './send';

export type ThoughtlyContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions
	| IPollFunctions;

export interface ThoughtlyCredentials {
	apiToken: string;
	teamId: string;
	baseUrl?: string;
	requestsPerMinute?: number;
}

export interface ThoughtlyRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, IDs already encoded, e.g. `/contact/cnt_1`. */
	endpoint: string;
	qs?: IDataObject;
	body?: IDataObject;
	/**
	 * `credential` (default) sends the credential's `x-api-token` and `team_id`; `token` only its
	 * `x-api-token` (automation webhooks with webhook verification on); `none` sends no credentials
	 * at all (automation webhooks otherwise).
	 */
	authentication?: 'credential' | 'token' | 'none';
	/** The input item the request is made for, so errors point at it. */
	itemIndex?: number;
	/**
	 * For a request that must not hold anything up: sent only if the token's request window has
	 * room now, once, and given `timeoutMs` to answer; otherwise it fails at once.
	 */
	immediate?: { timeoutMs: number };
}

export const THOUGHTLY_CREDENTIAL = 'thoughtlyApi';
/** The largest page Thoughtly serves: Return All asks for this, to need the fewest requests. */
export const MAX_PAGE_SIZE = 50;

export async function thoughtlyApiRequest(
	this: ThoughtlyContext,
	request: ThoughtlyRequest,
): Promise<unknown> {
	const credentials = await this.getCredentials<ThoughtlyCredentials>(
		THOUGHTLY_CREDENTIAL,
		request.itemIndex,
	);
	const baseURL = normalizeBaseUrl(credentials.baseUrl);
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL,
		url: request.endpoint,
		json: true,
		// Thoughtly reads query arrays as repeated keys (`tags=a&tags=b`), the spec's form/explode.
		arrayFormat: 'repeat',
	};
	if (request.qs && Object.keys(request.qs).length) options.qs = request.qs;
	if (request.body !== undefined && Object.keys(request.body).length === 0) {
		// n8n's HTTP client drops an empty object and sends no body at all; Thoughtly wants `{}`.
		options.body = '{}';
		options.headers = { 'content-type': 'application/json' };
	} else if (request.body !== undefined) {
		options.body = request.body;
	}
	if (request.authentication === 'token') {
		options.headers = { ...options.headers, 'x-api-token': credentials.apiToken };
	}
	if (request.immediate) options.timeout = request.immediate.timeoutMs;

	// With returnFullResponse (set by sendToThoughtly), n8n answers with status, headers and body.
	const send: Sender = async (o) =>
		(request.authentication === 'none' || request.authentication === 'token'
			? await this.helpers.httpRequest(o)
			: await this.helpers.httpRequestWithAuthentication.call(this, THOUGHTLY_CREDENTIAL, o)) as ThoughtlyResponse;

	const window = requestWindowFor(
		`${baseURL} ${credentials.apiToken}`,
		credentials.requestsPerMinute ?? 100,
	);
	const outcome = await sendToThoughtly(send, options, window, undefined, undefined, {
		immediate: request.immediate !== undefined,
	});
	if (isFailure(outcome)) throw toNodeApiError(this.getNode(), outcome, request);
	return outcome.data;
}

export interface ThoughtlyPage {
	records: IDataObject[];
	total?: number;
}

/** Reads one page of a list endpoint (`page` is 0-based). */
export async function thoughtlyApiRequestPage(
	this: ThoughtlyContext,
	request: Omit<ThoughtlyRequest, 'method' | 'body'> & { listKey: string; page: number; pageSize: number },
): Promise<ThoughtlyPage> {
	const { listKey, page, pageSize, ...rest } = request;
	const data = await thoughtlyApiRequest.call(this, {
		...rest,
		method: 'GET',
		qs: { ...request.qs, page, limit: pageSize },
	});
	return readList(this.getNode(), data, listKey, request.itemIndex);
}

/**
 * Reads a list endpoint page after page. Without `limit` it reads until the list is exhausted,
 * asking for the largest pages Thoughtly serves; with `limit` it stops as soon as it has that many.
 * Pages are numbered, so the page size stays the same from the first request to the last.
 */
export async function thoughtlyApiRequestAllItems(
	this: ThoughtlyContext,
	request: Omit<ThoughtlyRequest, 'method' | 'body'> & { listKey: string; limit?: number },
): Promise<IDataObject[]> {
	const { limit, ...rest } = request;
	const pageSize = limit === undefined ? MAX_PAGE_SIZE : Math.max(1, Math.min(MAX_PAGE_SIZE, limit));
	const records: IDataObject[] = [];
	let previous = '';
	for (let page = 0; ; page++) {
		const result = await thoughtlyApiRequestPage.call(this, { ...rest, page, pageSize });
		// A full page identical to the one before: Thoughtly ignored `page`, and would forever.
		const signature = JSON.stringify(result.records);
		if (page > 0 && result.records.length > 0 && signature === previous) {
			throw pageIgnored(this.getNode(), request.endpoint, page, request.itemIndex);
		}
		previous = signature;
		records.push(...result.records);
		if (limit !== undefined && records.length >= limit) return records.slice(0, limit);
		if (result.records.length < pageSize) return records;
		if (result.total !== undefined && (page + 1) * pageSize >= result.total) return records;
	}
}

/** Thoughtly served a page again instead of the next one: reading on would never end. */
export function pageIgnored(node: INode, endpoint: string, page: number, itemIndex?: number): NodeApiError {
	return new NodeApiError(node, { endpoint, page } as JsonObject, {
		message: `Thoughtly answered page ${page + 1} of GET ${endpoint} with the same records as page ${page}`,
		description:
			'It seems to ignore the "page" parameter, so reading on would never end. Turn off Return All and use a Limit of 50 or less to get the first page.',
		itemIndex,
	});
}

/** Reads a list endpoint that takes no paging (`GET /webhooks`): one request, every record. */
export async function thoughtlyApiRequestList(
	this: ThoughtlyContext,
	request: Omit<ThoughtlyRequest, 'method' | 'body'> & { listKey: string },
): Promise<IDataObject[]> {
	const { listKey, ...rest } = request;
	const data = await thoughtlyApiRequest.call(this, { ...rest, method: 'GET' });
	return readList(this.getNode(), data, listKey, request.itemIndex).records;
}

/**
 * Thoughtly nests list results under a key named after the records (`data.contacts`); lists
 * that are not documented may answer with a bare array, which is accepted too. Only `total` is
 * taken as the list's length: a `count` may be the number of records on this page.
 */
function readList(node: INode, data: unknown, listKey: string, itemIndex?: number): ThoughtlyPage {
	if (Array.isArray(data)) return { records: data as IDataObject[] };
	if (data && typeof data === 'object') {
		const list = (data as IDataObject)[listKey];
		if (Array.isArray(list)) {
			const total = (data as IDataObject).total;
			return {
				records: list as IDataObject[],
				total: typeof total === 'number' ? total : undefined,
			};
		}
	}
	throw new NodeApiError(node, { data } as JsonObject, {
		message: `Thoughtly answered without the expected list of ${listKey}`,
		description: 'The answer had neither a list under "' + listKey + '" nor a plain list.',
		itemIndex,
	});
}

function toNodeApiError(node: INode, failure: ThoughtlyFailure, request: ThoughtlyRequest): NodeApiError {
	const { message, description } = describeFailure(failure, {
		withoutCredentials: request.authentication === 'none',
	});
	return new NodeApiError(node, failure.response as unknown as JsonObject, {
		message,
		description,
		httpCode: failure.status ? String(failure.status) : undefined,
		itemIndex: request.itemIndex,
	});
}
