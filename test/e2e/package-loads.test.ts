/**
 * n8n (2.40.7, or the 1.x under test) loads the packed package from its community-nodes folder, under the package's own
 * name, without errors, and offers both nodes and the credential to the editor.
 */
import { findLoadErrors } from '../../scripts/lib/n8n-server';
import {
	ACTION_NODE_TYPE,
	CREDENTIAL_TYPE,
	describeFrom,
	PACKAGE_NAME,
	POLLING_NODE_TYPE,
	shared,
	TRIGGER_NODE_TYPE,
	type Shared,
} from './harness/suite';

let ctx: Shared;

function optionsOf(properties: Array<{ name: string; [key: string]: unknown }>, name: string): { options: Array<{ value: string }> } {
	const property = properties.find((p) => p.name === name);
	if (!property || !Array.isArray(property.options)) throw new Error(`no options property "${name}"`);
	return property as unknown as { options: Array<{ value: string }> };
}

beforeAll(async () => {
	ctx = await shared();
});

describe('n8n loads n8n-nodes-thoughtly as a community package', () => {
	it('logs no load error and loads one credential and three nodes from the package', () => {
		const log = ctx.n8nLog();
		expect(findLoadErrors(log)).toEqual([]);
		// PackageDirectoryLoader's debug line, with the counts it loaded from package.json's `n8n` section.
		// (n8n 2.x logs `{ "credentials": 1, "nodes": 3 }`, n8n 1.49 `"{\n  credentials: 1,\n  nodes: 3`.)
		const gap = '(?:\\W|\\\\n)+';
		expect(log).toMatch(new RegExp(`Loaded all credentials and nodes from ${PACKAGE_NAME}${gap}credentials${gap}1,${gap}nodes${gap}3\\b`));
		expect(log).not.toMatch(/CUSTOM\.thoughtly/);
	});
});

// What the editor is given differs in n8n 1.49 (no AI-agent tool variant, package-qualified names
// from POST /rest/node-types, no supportedNodes): checked on the n8n versions CI runs.
describeFrom('1.123.0', 'n8n describes the package\'s nodes and credential to its editor', () => {
	it('lists the three nodes under the package name in the node types the editor loads', async () => {
		const types = await ctx.n8n.nodeTypes();
		const ours = types.filter((t) => t.name.startsWith(`${PACKAGE_NAME}.`));
		// usableAsTool makes n8n derive an AI-agent tool from the action node; never from the trigger.
		expect(ours.map((t) => t.name).sort()).toEqual(
			[ACTION_NODE_TYPE, `${ACTION_NODE_TYPE}Tool`, TRIGGER_NODE_TYPE, POLLING_NODE_TYPE].sort(),
		);
		expect(types.filter((t) => /thoughtly/i.test(t.name) && !t.name.startsWith(`${PACKAGE_NAME}.`))).toEqual([]);

		const action = ours.find((t) => t.name === ACTION_NODE_TYPE)!;
		expect(action.displayName).toBe('Thoughtly');
		expect(action.credentials).toEqual([expect.objectContaining({ name: CREDENTIAL_TYPE, required: true })]);
		const resource = optionsOf(action.properties, 'resource');
		// n8n adds "Custom API Call" to nodes whose credential has an `authenticate` section.
		expect(resource.options.map((o) => o.value).sort()).toEqual(
			['__CUSTOM_API_CALL__', 'agent', 'automation', 'call', 'contact', 'user', 'webhook'].sort(),
		);
		expect(action.iconUrl ?? action.icon).toBeTruthy();

		const trigger = ours.find((t) => t.name === TRIGGER_NODE_TYPE)!;
		expect(trigger.displayName).toBe('Thoughtly Trigger');
		expect(trigger.group).toContain('trigger');
		expect(trigger.webhooks).toHaveLength(1);
		const events = optionsOf(trigger.properties, 'events');
		expect(events.options.map((o) => o.value).sort()).toEqual(
			['ACTION_FAILED', 'FOLDER_NEW_RESPONSE', 'FOLDER_PHONE_TRANSFER', 'NEW_RESPONSE', 'PHONE_TRANSFER'].sort(),
		);
		expect(trigger.properties.map((p) => p.name)).toEqual(expect.arrayContaining(['events', 'agentId', 'folderId', 'simplify']));

		const polling = ours.find((t) => t.name === POLLING_NODE_TYPE)!;
		expect(polling.displayName).toBe('Thoughtly Polling Trigger');
		expect(polling.group).toContain('trigger');
		expect(polling.polling).toBe(true);
		expect(polling.webhooks).toBeUndefined();
		// n8n adds the Poll Times setting to every polling node.
		expect(polling.properties.map((p) => p.name)).toEqual(['pollTimes', 'event', 'agentId', 'simplify']);
		expect(polling.iconUrl ?? polling.icon).toBeTruthy();
	});

	it('describes the nodes through POST /rest/node-types, as the editor asks when opening a workflow', async () => {
		const descriptions = await ctx.n8n.nodeTypeDescriptions([
			{ name: ACTION_NODE_TYPE, version: 1 },
			{ name: TRIGGER_NODE_TYPE, version: 1 },
			{ name: POLLING_NODE_TYPE, version: 1 },
		]);
		// The descriptions carry the node's own name; the editor pairs them with the package-qualified type.
		expect(descriptions.map((d) => d.name)).toEqual(['thoughtly', 'thoughtlyTrigger', 'thoughtlyPollingTrigger']);
		expect(descriptions.map((d) => d.displayName)).toEqual(['Thoughtly', 'Thoughtly Trigger', 'Thoughtly Polling Trigger']);
		expect(descriptions[0].properties.map((p) => p.name)).toEqual(expect.arrayContaining(['resource', 'operation']));
	});

	it('lists the credential, with the fields the nodes need, for every node', async () => {
		const credential = (await ctx.n8n.credentialTypes()).find((c) => c.name === CREDENTIAL_TYPE);
		expect(credential).toBeDefined();
		expect(credential!.displayName).toBe('Thoughtly API');
		expect(credential!.properties.map((p) => p.name)).toEqual(expect.arrayContaining(['apiToken', 'teamId', 'baseUrl']));
		expect((credential!.supportedNodes ?? []).sort()).toEqual(
			expect.arrayContaining([ACTION_NODE_TYPE, TRIGGER_NODE_TYPE, POLLING_NODE_TYPE].sort()),
		);
	});
});
