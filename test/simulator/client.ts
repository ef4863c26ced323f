/**
 * The simulator's control surface over HTTP, for a simulator running in another process
 * (the end-to-end suite, `npm run dev`). Same calls as the in-process handle, all async.
 */
import type {
	CompletedCall,
	Contact,
	DeliverRequest,
	Delivery,
	Fault,
	LoggedRequest,
	SimulatorConfig,
	SimulatorInfo,
	SimulatorState,
} from './types';

export class SimulatorClient {
	readonly baseUrl: string;

	constructor(baseUrl: string) {
		this.baseUrl = baseUrl.replace(/\/+$/, '');
	}

	private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}/__simulator${path}`, {
			method,
			headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: any;
		try {
			parsed = text ? JSON.parse(text) : {};
		} catch {
			throw new Error(`simulator ${method} ${path} answered ${response.status} with non-JSON: ${text.slice(0, 200)}`);
		}
		if (!response.ok) throw new Error(`simulator ${method} ${path} answered ${response.status}: ${parsed.error ?? text}`);
		return parsed as T;
	}

	info(): Promise<SimulatorInfo> {
		return this.call('GET', '/info');
	}

	async requests(): Promise<LoggedRequest[]> {
		return (await this.call<{ requests: LoggedRequest[] }>('GET', '/requests')).requests;
	}

	async clearRequests(): Promise<void> {
		await this.call('DELETE', '/requests');
	}

	async reset(): Promise<void> {
		await this.call('POST', '/reset');
	}

	async injectFault(fault: Fault): Promise<Fault[]> {
		return (await this.call<{ faults: Fault[] }>('POST', '/faults', fault)).faults;
	}

	async clearFaults(): Promise<void> {
		await this.call('DELETE', '/faults');
	}

	async deliver(request: DeliverRequest): Promise<Delivery[]> {
		return (await this.call<{ deliveries: Delivery[] }>('POST', '/deliver', request)).deliveries;
	}

	async deliveries(): Promise<Delivery[]> {
		return (await this.call<{ deliveries: Delivery[] }>('GET', '/deliveries')).deliveries;
	}

	async clearDeliveries(): Promise<void> {
		await this.call('DELETE', '/deliveries');
	}

	/** Polls until at least `count` deliveries are recorded; rejects after `timeoutMs`. */
	async waitForDeliveries(count: number, timeoutMs = 5000, pollMs = 50): Promise<Delivery[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const deliveries = await this.deliveries();
			if (deliveries.length >= count) return deliveries;
			if (Date.now() >= deadline) {
				throw new Error(`expected ${count} webhook deliveries within ${timeoutMs} ms, got ${deliveries.length}`);
			}
			await new Promise((resolve) => setTimeout(resolve, pollMs));
		}
	}

	async seedContacts(n: number): Promise<Contact[]> {
		return (await this.call<{ contacts: Contact[] }>('POST', '/seed', { contacts: n })).contacts;
	}

	state(): Promise<SimulatorState> {
		return this.call('GET', '/state');
	}

	async configure(options: Partial<SimulatorConfig>): Promise<SimulatorConfig> {
		return (await this.call<{ config: SimulatorConfig }>('POST', '/config', options)).config;
	}

	completeCall(id: string): Promise<CompletedCall> {
		return this.call('POST', `/calls/${encodeURIComponent(id)}/complete`);
	}
}
