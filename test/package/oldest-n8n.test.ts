/**
 * The built package, loaded the way the oldest n8n it supports (1.49.0) loads a community
 * package: every file package.json's `n8n` section lists is required with that n8n's own
 * n8n-workflow (1.48.0, the dev dependency `n8n-workflow-oldest`), and the class named after
 * the file is instantiated. That n8n-workflow has no `NodeConnectionTypes` (it arrived in
 * 1.83.0, with n8n 1.85); a package using it is skipped whole by such an n8n.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REPO_DIR = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(REPO_DIR, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[]; credentials: string[] };
};

let workDir: string;
let packageDir: string;

/** Builds the package into `<workDir>/package`, beside a node_modules whose n8n-workflow is the old one. */
beforeAll(() => {
	workDir = mkdtempSync(path.join(tmpdir(), 'thoughtly-oldest-n8n-'));
	packageDir = path.join(workDir, 'package');
	mkdirSync(path.join(workDir, 'node_modules'), { recursive: true });
	symlinkSync(realpathSync(path.join(REPO_DIR, 'node_modules', 'n8n-workflow-oldest')), path.join(workDir, 'node_modules', 'n8n-workflow'));
	const tsc = require.resolve('typescript/bin/tsc');
	const build = spawnSync(
		process.execPath,
		[tsc, '-p', 'tsconfig.build.json', '--outDir', path.join(packageDir, 'dist'), '--declaration', 'false', '--sourceMap', 'false'],
		{ cwd: REPO_DIR, encoding: 'utf8' },
	);
	if (build.status !== 0) throw new Error(`tsc failed:\n${build.stdout}${build.stderr}`);
	cpSync(path.join(REPO_DIR, 'package.json'), path.join(packageDir, 'package.json'));
}, 180_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** What n8n's loader does with one listed file: require it and instantiate the class named after it. */
function load(file: string): any {
	const className = path.basename(file).split('.')[0];
	let instance: any;
	jest.isolateModules(() => {
		const exported = require(path.join(packageDir, file));
		instance = new exported[className]();
	});
	return instance;
}

test('the package resolves the old n8n-workflow, which has no NodeConnectionTypes', () => {
	const workflow = require(require.resolve('n8n-workflow', { paths: [packageDir] }));
	expect(require(require.resolve('n8n-workflow/package.json', { paths: [packageDir] })).version).toBe('1.48.0');
	expect(workflow.NodeConnectionTypes).toBeUndefined();
	expect(typeof workflow.updateDisplayOptions).toBe('function');
});

test('every node listed in package.json loads, both Thoughtly nodes among them', () => {
	const descriptions = pkg.n8n.nodes.map((file) => load(file).description);
	expect(descriptions.map((d) => d.name)).toEqual(expect.arrayContaining(['thoughtly', 'thoughtlyTrigger']));
	const byName = Object.fromEntries(descriptions.map((d) => [d.name, d]));
	expect(byName.thoughtly.inputs).toEqual(['main']);
	expect(byName.thoughtly.outputs).toEqual(['main']);
	expect(byName.thoughtlyTrigger.inputs).toEqual([]);
	expect(byName.thoughtlyTrigger.outputs).toEqual(['main']);
	for (const description of descriptions) {
		expect(description.properties.length).toBeGreaterThan(0);
	}
});

test('every credential listed in package.json loads, Thoughtly API among them', () => {
	const credentials = pkg.n8n.credentials.map((file) => load(file));
	expect(credentials.map((c) => c.name)).toEqual(expect.arrayContaining(['thoughtlyApi']));
	const thoughtlyApi = credentials.find((c) => c.name === 'thoughtlyApi');
	expect(thoughtlyApi.test.request.url).toBe('/user');
});
