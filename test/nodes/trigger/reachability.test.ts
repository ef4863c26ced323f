/** Which webhook hosts Thoughtly, on the internet, cannot reach. */
import { isLocalHost } from '../../../nodes/ThoughtlyTrigger/reachability';

const hostOf = (url: string) => new URL(url).hostname;

describe('isLocalHost', () => {
	it.each([
		'http://localhost:5678/',
		'http://n8n.localhost/',
		'http://127.0.0.1:5678/',
		'http://127.1.2.3/',
		'http://0.0.0.0:5678/',
		'http://10.0.0.12/',
		'http://172.16.5.4/',
		'http://172.31.255.1/',
		'http://192.168.1.20:5678/',
		'http://169.254.10.10/',
		'http://100.64.0.1/',
		'http://[::1]:5678/',
		'http://[::]/',
		'http://[fd12:3456:789a::1]/',
		'http://[fe80::1]/',
		'http://[::ffff:127.0.0.1]/',
		'http://[::ffff:192.168.0.1]/',
		'http://n8n:5678/',
		'http://my-mac.local/',
		'http://host.docker.internal:5678/',
	])('%s is local', (url) => {
		expect(isLocalHost(hostOf(url))).toBe(true);
	});

	it.each([
		'https://n8n.example.com/',
		'https://api.thoughtly.com',
		'https://abc123.ngrok-free.app/',
		'http://8.8.8.8/',
		'http://172.32.0.1/',
		'http://192.169.0.1/',
		'http://100.128.0.1/',
		'http://[2001:db8::1]/',
		'http://[::ffff:8.8.8.8]/',
	])('%s is public', (url) => {
		expect(isLocalHost(hostOf(url))).toBe(false);
	});
});
