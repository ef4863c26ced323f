/** Helpers for the simulator's own tests: an API caller and a local webhook receiver. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { SEED } from './seed';

export interface ApiResult {
	status: number;
	headers: Headers;
	body: any;
	text: string;
}

export interface CallOptions {
	method?: string;
	body?: unknown;
	/** Raw body text sent as is (with `contentType`). */
	rawBody?: string;
	contentType?: string;
	/** Replace the default team-one auth headers; `null` sends none. */
	auth?: { token?: string; teamId?: string } | null;
	headers?: Record<string, string>;
}

/** Calls the simulator as a Thoughtly client would (team one's credentials by default). */
export async function api(baseUrl: string, path: string, options: CallOptions = {}): Promise<ApiResult> {
	const headers: Record<string, string> = { ...(options.headers ?? {}) };
	const auth = options.auth === undefined ? { token: SEED.apiToken, teamId: SEED.teamId } : options.auth;
	if (auth?.token !== undefined) headers['x-api-token'] = auth.token;
	if (auth?.teamId !== undefined) headers.team_id = auth.teamId;
	let body: string | undefined;
	if (options.rawBody !== undefined) {
		body = options.rawBody;
		headers['Content-Type'] = options.contentType ?? 'application/json';
	} else if (options.body !== undefined) {
		body = JSON.stringify(options.body);
		headers['Content-Type'] = options.contentType ?? 'application/json';
	}
	const response = await fetch(`${baseUrl}${path}`, { method: options.method ?? 'GET', headers, body });
	const text = await response.text();
	let parsed: any;
	try {
		parsed = JSON.parse(text);
	} catch {
		parsed = undefined;
	}
	return { status: response.status, headers: response.headers, body: parsed, text };
}

export const teamTwo = { token: SEED.otherTeam.apiToken, teamId: SEED.otherTeam.teamId };

export interface ReceivedWebhook {
	path: string;
	headers: http.IncomingHttpHeaders;
	body: any;
}

export interface Receiver {
	url: string;
	received: ReceivedWebhook[];
	/** Answers the next requests with these statuses (then 200). */
	respondWith(...answers: Array<{ status: number; headers?: Record<string, string> } | 'hang'>): void;
	close(): Promise<void>;
}

/** A local HTTP server standing in for a webhook subscriber (an n8n webhook URL). */
export async function startReceiver(): Promise<Receiver> {
	const received: ReceivedWebhook[] = [];
	const answers: Array<{ status: number; headers?: Record<string, string> } | 'hang'> = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			received.push({ path: req.url ?? '/', headers: req.headers, body: text ? JSON.parse(text) : undefined });
			const answer = answers.shift() ?? { status: 200 };
			if (answer === 'hang') return;
			res.writeHead(answer.status, { 'Content-Type': 'application/json', ...(answer.headers ?? {}) });
			res.end('{"ok":true}');
		});
	});
	const sockets = new Set<import('node:net').Socket>();
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		received,
		respondWith: (...list) => answers.push(...list),
		close: () =>
			new Promise<void>((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
