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
async function run(method: string, steps: Step[], options: Partial<IHttpRequestOptions> = {}) {
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
	);
	return { outcome, sent, waits };
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

	it('backs off 1 s, 2 s, 4 s … without Retry-After, and gives up after 5 repeats', async () => {
		const steps = Array.from({ length: 7 }, () => fail(429, 'Too many requests'));
		const { outcome, sent, waits } = await run('GET', steps);
		const result = failure(outcome);
		expect(sent).toHaveLength(6);
		expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
		expect(result).toMatchObject({ kind: 'status', status: 429, thoughtlyMessage: 'Too many requests', attempts: 6 });
	});

	it('reports a Retry-After longer than two minutes instead of waiting inside the execution', async () => {
		const { outcome, sent, waits } = await run('GET', [fail(429, 'Daily quota used', { 'retry-after': '3600' })]);
		expect(sent).toHaveLength(1);
		expect(waits).toEqual([]);
		expect(describeFailure(failure(outcome)).message).toBe('Daily quota used');
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
