/**
 * What the editor shows around the fields: every link lands on a heading of the README (the
 * package's documentation), and the wording is the same wherever the same thing appears.
 * Links are computed as n8n 2.40's editor computes them (NodeSettings' Docs link, the credential
 * modal's "Open docs").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ICredentialType, INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import type { N8nHarness } from '../../helpers/n8n';
import { startN8n } from '../../helpers/n8n';

const ROOT = path.resolve(__dirname, '../../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string };
/** The package's page on npm, which renders the published README with GitHub's heading anchors. */
const REPOSITORY_PAGE = `https://www.npmjs.com/package/${packageJson.name}`;

let n8n: N8nHarness;
let action: INodeTypeDescription;
let trigger: INodeTypeDescription;
let polling: INodeTypeDescription;
let credential: ICredentialType;
beforeAll(async () => {
	n8n = await startN8n();
	action = n8n.types.getByNameAndVersion('n8n-nodes-thoughtly.thoughtly').description;
	trigger = n8n.types.getByNameAndVersion('n8n-nodes-thoughtly.thoughtlyTrigger').description;
	polling = n8n.types.getByNameAndVersion('n8n-nodes-thoughtly.thoughtlyPollingTrigger').description;
	credential = n8n.types.getByNameCredential('thoughtlyApi');
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces → hyphens. */
function githubSlug(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

const README_ANCHORS = [...README.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => githubSlug(m[1]));

/** NodeSettings' Docs link: documentationUrl when absolute, else the codex's with utm parameters. */
function docsLinkOf(description: INodeTypeDescription): string {
	if (description.documentationUrl?.startsWith('http')) return description.documentationUrl;
	const codexUrl = description.codex?.resources?.primaryDocumentation?.[0]?.url;
	return codexUrl ? `${codexUrl}?utm_source=n8n_app&utm_medium=node_settings_modal-credential_link` : '';
}

/** Where a link lands: the README heading it names, or why it lands nowhere. */
function landing(url: string): string {
	if (!url.startsWith(`${REPOSITORY_PAGE}#`)) return `not the README: ${url}`;
	const anchor = url.slice(REPOSITORY_PAGE.length + 1);
	return README_ANCHORS.includes(anchor) ? `README#${anchor}` : `no README heading "${anchor}"`;
}

describe('links', () => {
	it("the credential's docs link opens the README's credential section", () => {
		expect(landing(credential.documentationUrl ?? '')).toBe('README#credential-thoughtly-api');
	});

	it("each node's Docs link opens the README's section about that node", () => {
		expect(landing(docsLinkOf(action))).toBe('README#the-thoughtly-node');
		expect(landing(docsLinkOf(trigger))).toBe('README#the-thoughtly-trigger-node');
		expect(landing(docsLinkOf(polling))).toBe('README#the-thoughtly-polling-trigger-node');
	});

	it("every link in the nodes' codex files lands on a README heading", () => {
		const codexLinks = [action, trigger, polling].flatMap((d) =>
			Object.values(d.codex?.resources ?? {}).flatMap((links) =>
				Array.isArray(links) ? links.map((l: { url: string }) => l.url) : [],
			),
		);
		expect(codexLinks.length).toBeGreaterThan(0);
		for (const url of codexLinks) expect(landing(url)).toMatch(/^README#/);
	});
});

/** Every property of a description, collections' fields included. */
function allProperties(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((p) => [
		p,
		...(p.options ?? []).flatMap((o) => ('displayName' in o && 'type' in o ? allProperties([o as INodeProperties]) : [])),
	]);
}

describe('wording', () => {
	it('every picker says what it lists with the same placeholder in every node', () => {
		const pickers = [action, trigger, polling].flatMap((d) => d.properties.filter((p) => p.type === 'resourceLocator'));
		const placeholders = new Set(
			pickers.map((p) => `${p.name}: ${p.modes?.find((m) => m.name === 'list')?.placeholder}`),
		);
		expect([...placeholders].sort()).toEqual(['agentId: Select an agent...', 'contactId: Select a contact...']);
	});

	it('the Webhook resource names and describes the events as the trigger does', () => {
		const triggerEvents = trigger.properties.find((p) => p.name === 'events')?.options;
		const webhookEvents = action.properties.filter((p) => p.name === 'event').map((p) => p.options);
		expect(webhookEvents).toHaveLength(2); // Subscribe and Unsubscribe
		for (const options of webhookEvents) expect(options).toEqual(triggerEvents);
	});

	it("the trigger's Agent says in the form that it is optional", () => {
		const agent = trigger.properties.find((p) => p.name === 'agentId');
		expect(agent?.required).not.toBe(true);
		expect(`${agent?.displayName} ${agent?.hint ?? ''}`).toMatch(/optional/i);
	});

	it('the credential speaks of Thoughtly addresses, not of a simulator', () => {
		const texts = JSON.stringify({ properties: credential.properties, test: credential.test });
		expect(texts).not.toMatch(/simulator/i);
		const baseUrl = credential.properties.find((p) => p.name === 'baseUrl');
		expect(baseUrl?.description).toMatch(/Thoughtly/);
	});

	it("the README's operation table names each filter as the form does", () => {
		const rows = [...README.matchAll(/^\| (\w+) \| (Get Many) \| `[^`]+` \| .*filters: (.+) \|$/gm)];
		expect(rows.map((r) => r[1])).toEqual(['Agent', 'Call', 'Contact']);
		for (const [, resource, , filters] of rows) {
			const collection = action.properties.find(
				(p) =>
					p.name === 'filters' &&
					p.displayOptions?.show?.resource?.includes(resource.toLowerCase()) &&
					p.displayOptions.show.operation?.includes('getMany'),
			);
			const names = allProperties((collection?.options ?? []) as INodeProperties[]).map((p) => p.displayName);
			const readme = filters.replace(/\s*\([^)]*\)/g, '').split(/,\s*/);
			expect(readme.filter((name) => !names.includes(name))).toEqual([]);
		}
	});
});
