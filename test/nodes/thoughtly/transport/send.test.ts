/**
 * sendToThoughtly with a scripted sender: what is repeated, what is reported, how long it waits
 * (on an injected clock), and how the envelope is read. The engine tests cover the same paths
 * against the simulator; these cover what a simulator cannot do quickly (timeouts, long
 * Retry-After values, HTTP-date Retry-After, bodies n8n hands over as text or bytes).
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { RequestWindow } from '../../../../nodes/Thoughtly/transport/requestWindow';
import type { ThoughtlyFailure, ThoughtlyResponse } from '../../../../nodes/Thoughtly/transport/send';
import { describeFailure, isFailure, sendToThoughtly } from '../../../../nodes/Thoughtly/transport/send';

type Step = ThoughtlyResponse | Error;

const ok = (data: unknown): ThoughtlyResponse => ({ statusCode: 200, headers: {}, body: { data, error: null } });
const fail = (statusCode: number, message: string, headers = {}): ThoughtlyResponse => ({
	statusCode,
	headers,
	body: { data: null, error: { message, code: 'X' } },
});
function timeoutError(): Error {
	return Object.assign(new Error('timeout of 30000ms exceeded'), { code: 'ECONNABORTED' });
}
function resetError(): Error {
	return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/** Runs one request against scripted answers; returns the outcome, what was sent and the waits. */
async function run(
	method: string,
	steps: Step[],
	options: Partial<IHttpRequestOptions> = {},
	random: () => number = () => 0.5,
) {
	let now = 0;
	const waits: number[] = [];
	const wait = async (ms: number) => {
		waits.push(ms);
		now += ms;
	};
	const window = new RequestWindow(100, 60_000, () => now, wait);
	const sent: IHttpRequestOptions[] = [];
	const remaining = [...steps];
	const sender = async (request: IHttpRequestOptions) => {
		sent.push(request);
		const step = remaining.shift();
		if (!step) throw new Error('no more scripted answers');
		if (step instanceof Error) throw step;
		return step;
	};
	const outcome = await sendToThoughtly(
		sender,
		{ method: method as IHttpRequestOptions['method'], url: '/contact/call', baseURL: 'https://api.thoughtly.com', ...options },
		window,
		wait,
		random,
	);
	return { outcome, sent, waits, window };
}

function failure(outcome: unknown): ThoughtlyFailure {
	expect(isFailure(outcome as ThoughtlyFailure)).toBe(true);
	return outcome as ThoughtlyFailure;
}

describe('what is sent', () => {
	it('asks for the full response, with status errors returned rather than thrown, and a timeout', async () => {
		const { sent } = await run('GET', [ok({})], { qs: { tags: ['a', 'b'] }, arrayFormat: 'repeat' });
		expect(sent[0]).toMatchObject({
			method: 'GET',
			url: '/contact/call',
			qs: { tags: ['a', 'b'] },
			arrayFormat: 'repeat',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 30_000,
		});
	});
});

describe('timeouts and lost connections', () => {
	it('a timeout on a POST is reported at once, never repeated', async () => {
		const { outcome, sent } = await run('POST', [timeoutError(), ok({})]);
		const result = failure(outcome);
		expect(sent).toHaveLength(1);
		expect(result).toMatchObject({ kind: 'timeout', attempts: 1, repeatable: false });
		expect(describeFailure(result)).toEqual({
			message: 'Thoughtly did not answer within 30 seconds (POST /contact/call)',
			description:
				'The request timed out. It was not sent again, because it may already have taken effect (a repeated call could ring the contact twice): check in Thoughtly before running it again.',
		});
	});

	it('a timeout on a GET is repeated after a short pause', async () => {
		const { outcome, sent, waits } = await run('GET', [timeoutError(), ok({ id: 'cnt_1' })]);
		expect(outcome).toEqual({ data: { id: 'cnt_1' } });
		expect(sent).toHaveLength(2);
		expect(waits).toEqual([500]);
	});

	it('a GET that keeps timing out is reported after 3 tries, backing off', async () => {
		const { outcome, sent, waits } = await run('GET', [timeoutError(), timeoutError(), timeoutError(), ok({})]);
		const result = failure(outcome);
		expect(sent).toHaveLength(3);
		expect(waits).toEqual([500, 1000]);
		expect(result).toMatchObject({ kind: 'timeout', attempts: 3 });
		expect(describeFailure(result).description).toBe('The request timed out. It was tried 3 times.');
	});

	it('a reset connection on a DELETE is repeated; on a POST it is not', async () => {
		const del = await run('DELETE', [resetError(), ok({ deleted: true })]);
		expect(del.outcome).toEqual({ data: { deleted: true } });

		const post = await run('POST', [resetError(), ok({})]);
		const result = failure(post.outcome);
		expect(post.sent).toHaveLength(1);
		expect(result.kind).toBe('connection');
		expect(describeFailure(result).description).toMatch(/^ECONNRESET: socket hang up\. It was not sent again/);
	});
});

describe('429', () => {
	it('waits Retry-After seconds and sends again, also a POST', async () => {
		const { outcome, sent, waits } = await run('POST', [fail(429, 'Too many requests', { 'retry-after': '7' }), ok({ call_id: 'c1' })]);
		expect(outcome).toEqual({ data: { call_id: 'c1' } });
		expect(sent).toHaveLength(2);
		expect(waits).toEqual([7_000]);
	});

	it('reads Retry-After given as an HTTP date', async () => {
		const inFiveSeconds = new Date(Date.now() + 5_000).toUTCString();
		const { waits } = await run('GET', [fail(429, 'slow down', { 'retry-after': inFiveSeconds }), ok({})]);
		expect(waits).toHaveLength(1);
		expect(waits[0]).toBeGreaterThan(3_000);
		expect(waits[0]).toBeLessThanOrEqual(5_000);
	});

	it('without Retry-After backs off 1 s, 2 s, 4 s … 16 s, and reports only once a whole minute has passed', async () => {
		const steps = Array.from({ length: 12 }, () => fail(429, 'Too many requests'));
		const { outcome, sent, waits } = await run('GET', steps);
		const result = failure(outcome);
		expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 16_000, 16_000]);
		expect(sent).toHaveLength(8);
		expect(result).toMatchObject({ kind: 'status', status: 429, thoughtlyMessage: 'Too many requests', attempts: 8 });
		expect(describeFailure(result)).toEqual({
			message: 'Too many requests',
			description:
				'Thoughtly kept refusing the request as too many (HTTP 429) for 63 seconds, although the node waited as asked. It was tried 8 times. Other tools, n8n workers or n8n instances probably use the same API token: lower "Requests per Minute" in the credential so that together they stay within Thoughtly\'s 100 per minute.',
		});
	});

	it('varies each back-off by up to a quarter either way, and still waits a whole minute in all', async () => {
		const steps = Array.from({ length: 14 }, () => fail(429, 'Too many requests'));
		const low = await run('GET', steps, {}, () => 0);
		expect(low.waits).toEqual([750, 1_500, 3_000, 6_000, 12_000, 12_000, 12_000, 12_000, 12_000]);
		const high = await run('GET', steps, {}, () => 0.999_999);
		expect(high.waits).toEqual([1_250, 2_500, 5_000, 10_000, 20_000, 20_000, 20_000]);
		for (const { waits } of [low, high]) {
			const total = waits.reduce((a, b) => a + b, 0);
			expect(total).toBeGreaterThanOrEqual(60_000);
			expect(total - waits[waits.length - 1]).toBeLessThan(60_000);
		}
	});

	it('keeps sending again while Thoughtly asks for short pauses, as long as a token that is merely busy needs', async () => {
		const busy = Array.from({ length: 9 }, () => fail(429, 'Too many requests', { 'retry-after': '5' }));
		const { outcome, sent, waits } = await run('POST', [...busy, ok({ id: 'cnt_1' })]);
		expect(outcome).toEqual({ data: { id: 'cnt_1' } });
		expect(sent).toHaveLength(10);
		expect(waits).toEqual(Array.from({ length: 9 }, () => 5_000));
	});

	it('reports a Retry-After longer than two minutes at once, saying how long Thoughtly asked to wait', async () => {
		const { outcome, sent, waits } = await run('GET', [fail(429, 'Daily quota used', { 'retry-after': '3600' })]);
		expect(sent).toHaveLength(1);
		expect(waits).toEqual([]);
		expect(describeFailure(failure(outcome))).toEqual({
			message: 'Daily quota used',
			description:
				'Thoughtly asked to wait 60 minutes before it accepts more requests with this API token (HTTP 429). The node waits at most 2 minutes within an execution, so it stopped here. Run it again after that time.',
		});
	});

	it("after a long Retry-After, the token's other requests are not sent and say why", async () => {
		const first = await run('GET', [fail(429, 'Daily quota used', { 'retry-after': '3600' })]);
		const sent: IHttpRequestOptions[] = [];
		const other = await sendToThoughtly(
			async (request) => {
				sent.push(request);
				return ok({});
			},
			{ method: 'POST', url: '/contact/create', baseURL: 'https://api.thoughtly.com' },
			first.window,
		);
		expect(sent).toEqual([]);
		const result = failure(other);
		expect(result).toMatchObject({ kind: 'status', status: 429, attempts: 0, retryAfterMs: 3_600_000 });
		expect(describeFailure(result)).toEqual({
			message: 'Thoughtly asked to wait 60 minutes before it accepts more requests with this API token',
			description:
				'Thoughtly asked to wait 60 minutes before it accepts more requests with this API token (HTTP 429). The node waits at most 2 minutes within an execution, so it stopped here. This request was not sent. Run it again after that time.',
		});
	});
});

describe('the envelope', () => {
	it('reads data from a body n8n hands over as text or as bytes', async () => {
		const text = await run('GET', [{ statusCode: 200, body: '{"data":{"id":"a"},"error":null}' }]);
		expect(text.outcome).toEqual({ data: { id: 'a' } });
		const bytes = await run('GET', [{ statusCode: 200, body: Buffer.from('{"data":[1,2],"error":null}') }]);
		expect(bytes.outcome).toEqual({ data: [1, 2] });
	});

	it('treats a 2xx with an error in its envelope as a failure, in any of its shapes', async () => {
		for (const [error, said] of [
			[{ message: 'Contact is locked' }, 'Contact is locked'],
			['Plain text error', 'Plain text error'],
			[{ error: 'nested' }, 'nested'],
			[{ code: 'E42' }, '{"code":"E42"}'],
		] as const) {
			const { outcome } = await run('POST', [{ statusCode: 200, body: { data: null, error } }]);
			const result = failure(outcome);
			expect(result).toMatchObject({ kind: 'envelope', status: 200, thoughtlyMessage: said });
			expect(describeFailure(result).message).toBe(said);
		}
	});

	it('treats JSON that is not an envelope as unreadable', async () => {
		const { outcome } = await run('GET', [{ statusCode: 200, body: [{ id: 'x' }] }]);
		expect(failure(outcome).kind).toBe('unreadable');
	});

	it('names the status when an error answer carries no message', async () => {
		const { outcome } = await run('POST', [{ statusCode: 422, body: '' }]);
		expect(describeFailure(failure(outcome))).toEqual({
			message: 'Thoughtly answered HTTP 422',
			description: 'Thoughtly refused the request (POST /contact/call, HTTP 422).',
		});
	});
});

describe('an immediate request (better left out than late)', () => {
	/** One immediate GET against scripted answers, through a window of `limit` per minute. */
	async function immediate(steps: Step[], { limit = 100, earlier = 0 } = {}) {
		const waits: number[] = [];
		const wait = async (ms: number) => {
			waits.push(ms);
		};
		const window = new RequestWindow(limit, 60_000, () => 0, wait);
		for (let i = 0; i < earlier; i++) await window.acquire();
		const sent: IHttpRequestOptions[] = [];
		const remaining = [...steps];
		const sender = async (request: IHttpRequestOptions) => {
			sent.push(request);
			const step = remaining.shift();
			if (!step) throw new Error('no more scripted answers');
			if (step instanceof Error) throw step;
			return step;
		};
		const outcome = await sendToThoughtly(
			sender,
			{ method: 'GET', url: '/contact/cnt_1', baseURL: 'https://api.thoughtly.com', timeout: 2_000 },
			window,
			wait,
			Math.random,
			{ immediate: true },
		);
		return { outcome, sent, waits };
	}

	it('is sent once with its own timeout, and answers like any other', async () => {
		const { outcome, sent, waits } = await immediate([ok({ id: 'cnt_1' })]);
		expect(outcome).toEqual({ data: { id: 'cnt_1' } });
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ timeout: 2_000 });
		expect(waits).toEqual([]);
	});

	it.each([
		['a timeout', timeoutError(), 'timeout', 'Thoughtly did not answer within 2 seconds (GET /contact/cnt_1)'],
		['a 503', fail(503, 'Service unavailable'), 'status', 'Service unavailable'],
		['a 429', fail(429, 'Too many requests', { 'retry-after': '1' }), 'status', 'Too many requests'],
	])('is not repeated after %s and waits for nothing', async (_, step, kind, message) => {
		const { outcome, sent, waits } = await immediate([step, ok({})]);
		const result = failure(outcome);
		expect(sent).toHaveLength(1);
		expect(waits).toEqual([]);
		expect(result).toMatchObject({ kind, attempts: 1 });
		expect(describeFailure(result).message).toBe(message);
	});

	it('is not sent at all when the window has no room now', async () => {
		const { outcome, sent, waits } = await immediate([ok({})], { limit: 2, earlier: 2 });
		const result = failure(outcome);
		expect(sent).toEqual([]);
		expect(waits).toEqual([]);
		expect(result).toMatchObject({ kind: 'busy', attempts: 0 });
		expect(describeFailure(result).message).toBe(
			"Not sent: the credential's Requests per Minute were used up at the time (GET /contact/cnt_1)",
		);
	});
});

describe('answers without a body', () => {
	it('a 204, to any method, is success without data', async () => {
		for (const method of ['DELETE', 'POST']) {
			const { outcome } = await run(method, [{ statusCode: 204, body: '' }]);
			expect(outcome).toEqual({ data: undefined });
		}
	});

	it('an empty 200 to a DELETE is success, whether n8n hands it over as nothing, text or bytes', async () => {
		for (const body of [undefined, '', ' \n', Buffer.alloc(0), Buffer.from(' \n')]) {
			const { outcome } = await run('DELETE', [{ statusCode: 200, body }]);
			expect(outcome).toEqual({ data: undefined });
		}
	});

	it('an empty 200 to a GET or POST is still not a Thoughtly answer', async () => {
		for (const method of ['GET', 'POST']) {
			const { outcome } = await run(method, [{ statusCode: 200, body: '' }]);
			expect(failure(outcome).kind).toBe('unreadable');
		}
	});
});

describe('a DELETE whose first answer was lost', () => {
	it.each([
		['timed out', timeoutError()],
		['lost its connection', resetError()],
		['got a 502', fail(502, 'Bad gateway')],
	])('the first attempt %s, the second gets 404: it worked, reported as success', async (_, first) => {
		const { outcome, sent } = await run('DELETE', [first, fail(404, 'Contact not found')]);
		expect(sent).toHaveLength(2);
		expect(outcome).toEqual({ data: undefined });
	});

	it('a 404 to a GET sent again is still a failure', async () => {
		const { outcome } = await run('GET', [timeoutError(), fail(404, 'Contact not found')]);
		expect(failure(outcome)).toMatchObject({ kind: 'status', status: 404, attempts: 2 });
	});

	it('a 404 after a 429 is still a failure (Thoughtly did not act on the 429)', async () => {
		const { outcome } = await run('DELETE', [fail(429, 'Too many', { 'retry-after': '0' }), fail(404, 'Contact not found')]);
		expect(failure(outcome)).toMatchObject({ kind: 'status', status: 404 });
	});
});
