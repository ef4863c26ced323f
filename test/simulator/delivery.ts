/**
 * Posts webhook payloads to subscribers the way Thoughtly does: JSON, User-Agent
 * Thoughtly-Webhook/1.0, a short timeout, no retry except one after a 429's Retry-After.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export const USER_AGENT = 'Thoughtly-Webhook/1.0';
/** Longest Retry-After honoured, so a subscriber cannot park a delivery for minutes. */
const MAX_RETRY_AFTER_MS = 30_000;

export interface PostResult {
	status: number | null;
	retryAfter?: string;
	error?: string;
}

export interface DeliveryOutcome {
	status: number | null;
	error?: string;
	attempts: number;
}

export function parseRetryAfter(header: string | undefined): number {
	if (!header) return 1000;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.min(Math.max(0, seconds * 1000), MAX_RETRY_AFTER_MS);
	const date = Date.parse(header);
	if (!Number.isNaN(date)) return Math.min(Math.max(0, date - Date.now()), MAX_RETRY_AFTER_MS);
	return 1000;
}

export class Deliverer {
	private readonly inflight = new Set<http.ClientRequest>();
	private readonly waits = new Map<NodeJS.Timeout, () => void>();
	private stopped = false;

	async deliver(url: string, body: unknown, timeoutMs: number): Promise<DeliveryOutcome> {
		const payload = JSON.stringify(body);
		const first = await this.post(url, payload, timeoutMs);
		if (first.status !== 429 || this.stopped) return { status: first.status, error: first.error, attempts: 1 };
		await this.wait(parseRetryAfter(first.retryAfter));
		if (this.stopped) return { status: 429, error: 'simulator stopped before the retry', attempts: 1 };
		const second = await this.post(url, payload, timeoutMs);
		return { status: second.status, error: second.error, attempts: 2 };
	}

	/** Aborts deliveries in flight and pending retries. */
	stop(): void {
		this.stopped = true;
		for (const request of this.inflight) request.destroy(new Error('simulator stopped'));
		for (const [timer, resolve] of this.waits) {
			clearTimeout(timer);
			resolve();
		}
		this.waits.clear();
	}

	private wait(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.waits.delete(timer);
				resolve();
			}, ms);
			timer.unref();
			this.waits.set(timer, resolve);
		});
	}

	private post(url: string, payload: string, timeoutMs: number): Promise<PostResult> {
		return new Promise((resolve) => {
			let target: URL;
			try {
				target = new URL(url);
			} catch {
				resolve({ status: null, error: `invalid subscriber URL ${url}` });
				return;
			}
			const transport = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
			if (!transport) {
				resolve({ status: null, error: `unsupported protocol ${target.protocol}` });
				return;
			}
			let settled = false;
			const finish = (result: PostResult) => {
				if (settled) return;
				settled = true;
				resolve(result);
			};
			// agent:false + Connection: close: no pooled socket outlives the delivery.
			const request = transport.request(target, {
				method: 'POST',
				agent: false,
				headers: {
					'Content-Type': 'application/json',
					'Content-Length': Buffer.byteLength(payload),
					'User-Agent': USER_AGENT,
					Connection: 'close',
				},
			});
			// The timer stays armed until the socket closes, so a subscriber that answers with
			// headers and then stalls its body cannot keep a connection open either.
			const timer = setTimeout(() => {
				request.destroy(new Error(`no answer within ${timeoutMs} ms`));
			}, timeoutMs);
			timer.unref();
			this.inflight.add(request);
			request.on('close', () => {
				clearTimeout(timer);
				this.inflight.delete(request);
			});
			request.on('response', (response) => {
				response.resume();
				// The status is all a delivery records; a body cut short afterwards changes nothing.
				response.on('error', () => undefined);
				const retry = response.headers['retry-after'];
				finish({ status: response.statusCode ?? null, retryAfter: Array.isArray(retry) ? retry[0] : retry });
			});
			request.on('error', (error) => finish({ status: null, error: error.message }));
			request.end(payload);
		});
	}
}
