/**
 * The editor as a person meets it: Chromium (Debian's, installed by the global set-up when
 * missing) drives the editor of the suite's n8n, signed in as the suite's owner, through
 * Playwright. Each step writes a screenshot to test/e2e/screenshots/editor/ (or
 * THOUGHTLY_E2E_SCREENSHOTS). Waits are on elements and responses, never on time.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { ensureChromium } from '../../scripts/chromium';
import type { WorkflowDefinition } from '../../scripts/lib/n8n-client';
import { SEED } from '../simulator/seed';
import {
	ACTION_NODE_TYPE,
	chain,
	CREDENTIAL_TYPE,
	manualTrigger,
	n8nMajor,
	OWNER,
	shared,
	thoughtlyNode,
	TRIGGER_NODE_TYPE,
	uniqueName,
	type Shared,
} from './harness/suite';

const SCREENSHOTS = path.resolve(
	process.env.THOUGHTLY_E2E_SCREENSHOTS || path.join(__dirname, 'screenshots', 'editor'),
);
/** The package's page on npm, where the nodes' documentation links point (README headings). */
const README = `https://www.npmjs.com/package/${(JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { name: string }).name}`;
/** The action node's output schemas in the sources (the package serves its dist/ copy). */
const SCHEMA_DIR = path.resolve(__dirname, '../../nodes/Thoughtly/__schema__/v1.0.0');
/** Every wait for the page; generous because the machine may be busy, never a fixed sleep. */
const WAIT_MS = 90_000;

let ctx: Shared;
let browser: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
	ctx = await shared();
	rmSync(SCREENSHOTS, { recursive: true, force: true });
	mkdirSync(SCREENSHOTS, { recursive: true });
	// A fresh profile each run; the network is closed, so Chromium's own calls home are off.
	profile = mkdtempSync(path.join(ctx.state.workDir, 'chromium-'));
	browser = await chromium.launchPersistentContext(profile, {
		executablePath: ensureChromium(),
		headless: true,
		viewport: { width: 1440, height: 900 },
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
		],
	});
	page = browser.pages()[0] ?? (await browser.newPage());
	page.setDefaultTimeout(WAIT_MS);
});

afterAll(async () => {
	await browser?.close();
	if (profile) rmSync(profile, { recursive: true, force: true });
});

async function screenshot(name: string): Promise<void> {
	await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

const byTestId = (id: string, root: Page | Locator = page): Locator => root.locator(`[data-test-id="${id}"]`);

/** Opens a workflow made through the REST API in the editor, and its node `name`'s details. */
async function openNode(definition: WorkflowDefinition, name: string): Promise<Locator> {
	const workflow = await ctx.n8n.createWorkflow(definition);
	await page.goto(`${ctx.state.n8nUrl}/workflow/${workflow.id}`);
	await byTestId('canvas-node').filter({ hasText: name }).first().dblclick();
	const ndv = byTestId('ndv');
	await ndv.waitFor();
	return ndv;
}

/** The entries of a resource locator's list once it shows exactly `count` of them. */
async function listEntries(picker: Locator, count: number): Promise<string[]> {
	const items = byTestId('rlc-item', picker);
	await items.nth(count - 1).waitFor();
	await items.nth(count).waitFor({ state: 'detached' });
	return (await items.allInnerTexts()).map((text) => text.trim());
}

it('signs in as the suite owner', async () => {
	await page.goto(`${ctx.state.n8nUrl}/signin`);
	await byTestId('emailOrLdapLoginId').locator('input').fill(OWNER.email);
	await byTestId('password').locator('input').fill(OWNER.password);
	await byTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	await screenshot('01-signed-in');
});

it('lists the Thoughtly triggers and actions in the node panel search', async () => {
	await page.goto(`${ctx.state.n8nUrl}/workflow/new`);
	await byTestId('canvas-add-button').click();
	await byTestId('node-creator-search-bar').fill('Thoughtly');
	const creator = byTestId('node-creator');
	await byTestId('node-creator-item-name', creator).filter({ hasText: /^Thoughtly$/ }).click();
	await screenshot('02-node-panel-triggers');

	const names = byTestId('node-creator-item-name', creator);
	for (const trigger of ['On call completed', 'On call transferred', 'On action failed']) {
		await names.filter({ hasText: new RegExp(`^${trigger}$`) }).waitFor();
	}
	// Starting a new workflow the panel opens the triggers; the actions are one click away.
	const actions = byTestId('node-creator-category-item', creator).filter({ hasText: 'Actions' });
	expect(await actions.innerText()).toMatch(/Actions \(12\)/);
	await actions.click();
	for (const action of ['Get many agents', 'Trigger an automation', 'Create a contact', 'Call a contact']) {
		await names.filter({ hasText: new RegExp(`^${action}$`) }).waitFor();
	}
	await names.filter({ hasText: /^Call a contact$/ }).scrollIntoViewIfNeeded();
	await screenshot('03-node-panel-actions');
});

it('Contact → Call: the pickers load names from the simulator, only callable ones, and filter on search', async () => {
	const trigger = manualTrigger();
	const call = thoughtlyNode(
		'Call Avery',
		{
			resource: 'contact',
			operation: 'call',
			contactId: { __rl: true, mode: 'list', value: '' },
			agentId: { __rl: true, mode: 'list', value: '' },
			metadata: '{}',
		},
		ctx.credential,
	);
	// The seed's contacts only: other files leave hundreds behind, and the picker shows one page.
	await ctx.sim.reset();
	const ndv = await openNode({ name: uniqueName('e2e editor call'), nodes: [trigger, call], connections: chain(trigger, call) }, 'Call Avery');

	// Contacts with a phone number, newest first, as the simulator holds them.
	const team = (await ctx.sim.state()).teams[SEED.teamId];
	const callable = team.contacts
		.filter((c) => c.phone_number)
		.sort((a, b) => b.created_at.localeCompare(a.created_at))
		.map((c) => `${c.name} (${c.phone_number})`);
	const contact = byTestId('resource-locator-contactId', ndv);
	await byTestId('rlc-input', contact).click();
	expect(await listEntries(contact, callable.length)).toEqual(callable);
	await screenshot('04-contact-picker');

	await byTestId('rlc-search', contact).fill('avery');
	await byTestId('rlc-item', contact).nth(1).waitFor({ state: 'detached' });
	expect(await listEntries(contact, 1)).toEqual(['Avery Lee (+14155550123)']);
	await screenshot('05-contact-picker-search');
	await byTestId('rlc-item', contact).first().click();

	const agent = byTestId('resource-locator-agentId', ndv);
	await byTestId('rlc-input', agent).click();
	expect(await listEntries(agent, 2)).toEqual([SEED.agentTitles.appointmentReminder, SEED.agentTitles.salesQualifier]);
	await screenshot('06-agent-picker');
	await byTestId('rlc-search', agent).fill('sales');
	await byTestId('rlc-item', agent).nth(1).waitFor({ state: 'detached' });
	expect(await listEntries(agent, 1)).toEqual([SEED.agentTitles.salesQualifier]);
	await screenshot('07-agent-picker-search');

	expect(await ndv.getByRole('link', { name: /Docs/ }).getAttribute('href')).toBe(`${README}#the-thoughtly-node`);

	// What the pickers asked Thoughtly for.
	const lists = (await ctx.sim.requests()).filter((r) => r.method === 'GET').map((r) => ({ path: r.path, query: r.query }));
	expect(lists).toEqual(
		expect.arrayContaining([
			{ path: '/contact', query: { phone_numbers_only: 'true', page: '0', limit: '50' } },
			{ path: '/contact', query: { phone_numbers_only: 'true', search: 'avery', page: '0', limit: '50' } },
			{ path: '/interview', query: { sort: 'title_asc', page: '0', limit: '50' } },
			{ path: '/interview', query: { sort: 'title_asc', search: 'sales', page: '0', limit: '50' } },
		]),
	);
});

it('tests a new credential: success, then the failure text for a wrong token', async () => {
	await page.goto(`${ctx.state.n8nUrl}/home/credentials`);
	await byTestId('add-resource-credential').click();
	await byTestId('new-credential-type-select').locator('input').fill('Thoughtly API');
	await byTestId('new-credential-type-select-option').filter({ hasText: /^Thoughtly API$/ }).click();
	await byTestId('new-credential-type-button').click();

	const modal = byTestId('editCredential-modal');
	const field = (name: string) => byTestId(`parameter-input-${name}`, modal).locator('input');
	await field('apiToken').fill(ctx.state.apiToken);
	await field('teamId').fill(ctx.state.teamId);
	await field('baseUrl').fill(ctx.state.simulatorUrl);
	expect(await modal.getByRole('link', { name: 'docs' }).getAttribute('href')).toBe(`${README}#credential-thoughtly-api`);
	// Saving runs the credential's test and shows its result above the fields.
	await byTestId('credential-save-button', modal).click();
	await modal.getByText('Connection tested successfully').filter({ visible: true }).waitFor();
	await screenshot('08-credential-test-success');

	await field('apiToken').fill('tk_wrong');
	await byTestId('credential-save-button', modal).click();
	await modal.getByText('Couldn’t connect with these settings').waitFor();
	await modal.getByText('More details').click();
	// n8n 1.x shows its own words instead of the credential's (as in credential.test.ts).
	const refused =
		n8nMajor() === 1
			? 'Authorization failed - please check your credentials'
			: 'Thoughtly did not accept this API token and team ID (401 Unauthorized). Copy both again from Settings → Developer in the Thoughtly dashboard.';
	await modal.getByText(refused).waitFor();
	await screenshot('09-credential-test-wrong-token');

	await page.keyboard.press('Escape');
	const made = (await ctx.n8n.listCredentials()).filter((c) => c.type === CREDENTIAL_TYPE && c.id !== ctx.credential.id);
	for (const credential of made) await ctx.n8n.deleteCredential(credential.id);
});

it('Create with a bad phone number shows the E.164 message', async () => {
	const trigger = manualTrigger();
	const create = thoughtlyNode('Create contact', { resource: 'contact', operation: 'create', phoneNumber: '0415 555 0123' }, ctx.credential);
	const workflow = await ctx.n8n.createWorkflow({
		name: uniqueName('e2e editor bad phone'),
		nodes: [trigger, create],
		connections: chain(trigger, create),
	});
	await page.goto(`${ctx.state.n8nUrl}/workflow/${workflow.id}`);
	await byTestId('execute-workflow-button').click();
	// The canvas marks the node that failed; its details show why.
	await byTestId('canvas-node').filter({ hasText: 'Create contact' }).dblclick();
	const error = byTestId('node-error-message', byTestId('ndv'));
	await error.waitFor();
	expect(await error.innerText()).toMatch(/E\.164/);
	await screenshot('10-create-bad-phone');
	expect((await ctx.sim.requests()).filter((r) => r.path === '/contact/create')).toEqual([]);
});

it('the trigger shows its events in the UI words, hears a test event and shows the item', async () => {
	const trigger = {
		id: 'thoughtly-trigger',
		name: 'Thoughtly Trigger',
		type: TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		webhookId: randomUUID(),
		parameters: { events: ['NEW_RESPONSE', 'ACTION_FAILED'] },
		credentials: { [CREDENTIAL_TYPE]: ctx.credential },
	};
	const workflow = await ctx.n8n.createWorkflow({ name: uniqueName('e2e editor trigger'), nodes: [trigger], connections: {} });
	await page.goto(`${ctx.state.n8nUrl}/workflow/${workflow.id}`);
	const node = byTestId('canvas-node').filter({ hasText: 'Thoughtly Trigger' });
	await node.getByText('Call Completed, Action Failed', { exact: true }).waitFor();
	await screenshot('11-trigger-subtitle');

	await node.dblclick();
	const ndv = byTestId('ndv');
	expect(await ndv.getByRole('link', { name: /Docs/ }).getAttribute('href')).toBe(`${README}#the-thoughtly-trigger-node`);
	const listening = page.waitForResponse((r) => /\/rest\/workflows\/[^/]+\/run/.test(r.url()) && r.request().method() === 'POST');
	await byTestId('node-execute-button', ndv).click();
	expect((await listening).status()).toBe(200);
	await ndv.getByText('Stop Listening').first().waitFor();
	await screenshot('12-trigger-listening');

	const deliveries = await ctx.sim.deliver({ type: 'NEW_RESPONSE', interviewId: SEED.agents.salesQualifier });
	const test = deliveries.filter((d) => d.url.startsWith(`${ctx.state.n8nUrl}/webhook-test/${trigger.webhookId}/`));
	expect(test.map((d) => d.status)).toEqual([200]);
	const callId = (test[0].body as { call: { id: string } }).call.id;
	const output = byTestId('output-panel', ndv);
	await output.getByText(callId).first().waitFor();
	expect(await byTestId('ndv-items-count', output).innerText()).toMatch(/1 item/);
	await screenshot('13-trigger-test-event');
});

it("serves every operation's output schema where the editor asks for it", async () => {
	for (const file of schemaFiles()) {
		// The editor's request: /schemas/<node type>/<version as x.y.z>/<resource>/<operation>.json
		const response = await fetch(`${ctx.state.n8nUrl}/schemas/${ACTION_NODE_TYPE}/1.0.0/${file}`);
		expect({ file, status: response.status }).toEqual({ file, status: 200 });
		expect(await response.json()).toEqual(JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), 'utf8')));
	}
});

it("shows a Thoughtly node's output fields in the next node before anything ran", async () => {
	const trigger = manualTrigger();
	const create = thoughtlyNode(
		'Create contact',
		{ resource: 'contact', operation: 'create', phoneNumber: '+14155550177' },
		ctx.credential,
	);
	const next = {
		id: randomUUID(),
		name: 'Next step',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [440, 0] as [number, number],
		parameters: {},
	};
	const ndv = await openNode(
		{ name: uniqueName('e2e editor schema preview'), nodes: [trigger, create, next], connections: chain(trigger, create, next) },
		'Next step',
	);
	const input = byTestId('ndv-input-panel', ndv);
	for (const field of ['phone_number', 'attributes', 'created_at']) {
		await input.getByText(field, { exact: true }).first().waitFor();
	}
	await screenshot('14-output-schema-preview');
});

/** `contact/create.json` …: the schema files the package ships for the action node. */
function schemaFiles(): string[] {
	return readdirSync(SCHEMA_DIR, { recursive: true, encoding: 'utf8' })
		.filter((file) => file.endsWith('.json'))
		.map((file) => file.split(path.sep).join('/'))
		.sort();
}
