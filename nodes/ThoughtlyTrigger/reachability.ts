import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Whether a host name can only be reached from the machine itself or its own network:
 * loopback, private and link-local addresses, `localhost` and names no public DNS serves
 * (single-label names like a Docker service, `.local`, `.internal`).
 */
export function isLocalHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
	if (host === '') return true;
	if (host.includes(':')) return isLocalIpv6(host);
	const ipv4 = parseIpv4(host);
	if (ipv4) return isLocalIpv4(ipv4);
	if (!host.includes('.')) return true;
	return ['.localhost', '.local', '.internal', '.home.arpa', '.lan'].some((suffix) => host.endsWith(suffix));
}

function parseIpv4(host: string): number[] | undefined {
	const parts = host.split('.');
	if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
	const octets = parts.map(Number);
	return octets.every((o) => o <= 255) ? octets : undefined;
}

function isLocalIpv4([a, b]: number[]): boolean {
	return (
		a === 0 ||
		a === 10 ||
		a === 127 ||
		(a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
		(a === 169 && b === 254) ||
		(a === 172 && b >= 16 && b <= 31) ||
		(a === 192 && b === 168)
	);
}

function isLocalIpv6(host: string): boolean {
	if (host === '::' || host === '::1') return true;
	// IPv4-mapped (::ffff:7f00:1 as URL writes ::ffff:127.0.0.1)
	const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
	if (mapped) {
		const high = parseInt(mapped[1], 16);
		const low = parseInt(mapped[2], 16);
		return isLocalIpv4([high >> 8, high & 255, low >> 8, low & 255]);
	}
	const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
	if (dotted) {
		const ipv4 = parseIpv4(dotted[1]);
		return ipv4 ? isLocalIpv4(ipv4) : true;
	}
	const first = parseInt(host.split(':')[0] || '0', 16);
	return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80; // unique local, link-local
}

function hostOf(url: string): string | undefined {
	try {
		return new URL(url).hostname;
	} catch {
		return undefined;
	}
}

/**
 * Thoughtly posts events from the internet, so it can only deliver to a public address. n8n
 * builds its webhook URLs from its N8N_WEBHOOK_URL setting (WEBHOOK_URL on n8n 1.x), or from its
 * own host and port when that is unset (usually localhost). A local Thoughtly (the simulator) can reach local addresses, so only a
 * public Base URL makes a local webhook URL an error.
 */
export function assertThoughtlyCanReach(this: { getNode(): INode }, webhookUrl: string, baseUrl: string): void {
	const webhookHost = hostOf(webhookUrl);
	const apiHost = hostOf(baseUrl);
	if (webhookHost === undefined) {
		throw new NodeOperationError(this.getNode(), `n8n gave this trigger an invalid webhook URL: ${webhookUrl}`, {
			description: 'Check the N8N_WEBHOOK_URL (n8n 2.x) or WEBHOOK_URL (n8n 1.x) setting of this n8n instance.',
		});
	}
	if (!isLocalHost(webhookHost) || (apiHost !== undefined && isLocalHost(apiHost))) return;
	throw new NodeOperationError(
		this.getNode(),
		`Thoughtly cannot reach this n8n: its webhook URL (${new URL(webhookUrl).origin}) is a local address`,
		{
			description:
				"n8n builds webhook URLs from its webhook URL setting. Set the environment variable N8N_WEBHOOK_URL (n8n 2.x) or WEBHOOK_URL (n8n 1.x) to the public HTTPS address at which this n8n can be reached from the internet (for example https://n8n.example.com/) and restart n8n. When n8n runs on your own computer, put a tunnel in front of it and use the tunnel's address. If n8n cannot be made reachable from the internet, use the Thoughtly Polling Trigger instead: it asks Thoughtly for completed calls at set times and needs no public address.",
		},
	);
}
