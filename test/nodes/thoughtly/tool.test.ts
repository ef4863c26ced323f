/**
 * The Thoughtly node as an AI agent's tool ("Thoughtly Tool"), in n8n-core's engine: what a
 * language model reads (tool names, descriptions, argument schemas), what its calls send to
 * Thoughtly, and how a failed call reads to it. The parent of the tools stands in for n8n's AI
 * Agent or MCP Server Trigger (see test/helpers/tools.ts); the end-to-end suite does the same
 * through a real MCP Server Trigger (test/e2e/mcp-tools.test.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataObject, INodeParameters, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { SEED } from '../../simulator';
import { registerTools, runAgent, type ListedTool, type ToolNode } from '../../helpers/tools';
import { byId, useThoughtly } from './fixture';

const t = useThoughtly();

beforeAll(() => registerTools(t.n8n));

const thoughtlyProperties = (): INodeProperties[] =>
	t.n8n.types.getByNameAndVersion('n8n-nodes-thoughtly.thoughtly').description.properties;

/** Every resource → operation pair of the node, from its operation selectors. */
function operations(): Array<{ resource: string; operation: string; action: string }> {
	return thoughtlyProperties()
		.filter((p) => p.name === 'operation')
		.flatMap((p) =>
			(p.options as INodePropertyOptions[]).map((option) => ({
				resource: p.displayOptions!.show!.resource![0] as string,
				operation: option.value as string,
				action: option.action as string,
			})),
		);
}

/** The tool description shown for one operation in the Thoughtly Tool (its default). */
function toolDescriptionOf(resource: string, operation: string): string {
	const shown = thoughtlyProperties().filter(
		(p) =>
			p.name === 'toolDescription' &&
			p.displayOptions?.show?.resource?.includes(resource) &&
			p.displayOptions.show.operation?.includes(operation),
	);
	expect(shown).toHaveLength(1);
	return shown[0].default as string;
}

/** The three tools of the example workflow for `npm run dev`, as the example has them. */
const example = JSON.parse(
	readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'workflows', 'mcp-server-thoughtly-tools.json'), 'utf8'),
) as { nodes: Array<{ name: string; parameters: INodeParameters }> };
const exampleTool = (name: string): ToolNode => {
	const node = example.nodes.find((candidate) => candidate.name === name)!;
	return { name: node.name, parameters: node.parameters };
};
const findContacts = exampleTool('Find contacts');
const createContact = exampleTool('Create contact');
const callContact = exampleTool('Call contact');
const tools = [findContacts, createContact, callContact];

const agent = async (requests: IDataObject[], nodes: ToolNode[] = tools) =>
	await runAgent(t.n8n, nodes, { thoughtlyApi: t.credential }, requests);

describe('what the model is told', () => {
	it('every operation has its own tool description, shown only in the Thoughtly Tool', () => {
		const all = operations();
		expect(all).toHaveLength(12);
		for (const { resource, operation, action } of all) {
			const text = toolDescriptionOf(resource, operation);
			expect(text.length).toBeGreaterThan(60);
			// Not n8n's automatic text, which is only the action.
			expect(text).not.toBe(`${action} in Thoughtly`);
			const property = thoughtlyProperties().find(
				(p) => p.name === 'toolDescription' && p.displayOptions?.show?.operation?.includes(operation) && p.displayOptions.show.resource?.includes(resource),
			)!;
			// Only in the tool: the node in a normal workflow does not show it.
			expect(property.displayOptions!.show!['@tool']).toEqual([true]);
		}
	});

	it('says what acting in the world costs: a call rings a real person, Delete cannot be undone', () => {
		expect(toolDescriptionOf('contact', 'call')).toMatch(/rings a real person's phone/);
		expect(toolDescriptionOf('contact', 'call')).toMatch(/cannot be taken back/);
		expect(toolDescriptionOf('contact', 'delete')).toMatch(/cannot be undone/);
		expect(toolDescriptionOf('webhook', 'unsubscribe')).toMatch(/stop receiving/);
		expect(toolDescriptionOf('automation', 'trigger')).toMatch(/cannot be taken back/);
		for (const [resource, operation] of [
			['agent', 'getMany'],
			['call', 'getMany'],
			['contact', 'get'],
			['contact', 'getMany'],
			['user', 'get'],
			['webhook', 'getMany'],
		]) {
			expect(toolDescriptionOf(resource, operation)).toMatch(/Read-only/);
		}
	});

	it('lists each tool with its node name, its operation\'s description and the $fromAI arguments', async () => {
		const [listing] = await agent([{ list: true }]);
		const listed = listing.tools as ListedTool[];

		// n8n lists connected tools by node name.
		expect(listed.map((tool) => tool.name)).toEqual(['Call_contact', 'Create_contact', 'Find_contacts']);
		expect(listed.map((tool) => tool.description)).toEqual([
			toolDescriptionOf('contact', 'call'),
			toolDescriptionOf('contact', 'create'),
			toolDescriptionOf('contact', 'getMany'),
		]);
		expect(listed[1].inputSchema).toMatchObject({
			type: 'object',
			properties: {
				phone_number: {
					type: 'string',
					description:
						"The person's phone number in E.164 format: a plus, the country code and the number, without spaces, e.g. +14155550123",
				},
				name: { type: 'string', description: "The person's full name" },
			},
			required: ['phone_number', 'name'],
		});
		expect(Object.keys((listed[0].inputSchema as { properties: object }).properties)).toEqual(['contact_id']);
		expect(Object.keys((listed[2].inputSchema as { properties: object }).properties)).toEqual(['search']);
		expect(t.sent()).toEqual([]);
	});
});

describe('what its calls do', () => {
	it('Create contact sends the arguments the model gave, and returns the contact', async () => {
		const [answer] = await agent([
			{ call: 'Create_contact', arguments: { phone_number: '+14155550142', name: 'Robin Park' } },
		]);

		expect(t.sent()).toEqual([
			{
				method: 'POST',
				path: '/contact/create',
				query: {},
				body: { phone_number: '+14155550142', name: 'Robin Park', tags: ['ai-agent'] },
			},
		]);
		const [contact] = JSON.parse(answer.result as string);
		expect(contact).toMatchObject({ phone_number: '+14155550142', name: 'Robin Park' });
		expect(contact.id).toMatch(/^cnt_/);
	});

	it('Call contact places the call with the contact the model named and the workflow\'s agent', async () => {
		const [answer] = await agent([{ call: 'Call_contact', arguments: { contact_id: SEED.contacts.averyLee } }]);

		expect(t.sent()).toEqual([
			{
				method: 'POST',
				path: '/contact/call',
				query: {},
				body: { contact_id: SEED.contacts.averyLee, interview_id: SEED.agents.salesQualifier },
			},
		]);
		expect(JSON.parse(answer.result as string)).toEqual([
			expect.objectContaining({ status: 'queued', contact_id: SEED.contacts.averyLee }),
		]);
	});
});

describe('how a failed call reads to the model', () => {
	it('a phone number without a plus: the argument, the problem and the fix, and nothing is sent', async () => {
		const [answer] = await agent([
			{ call: 'Create_contact', arguments: { phone_number: '4155550177', name: 'Jamie Rivera' } },
		]);

		expect(answer).toEqual({
			error:
				'NodeOperationError: phone_number "4155550177" is not an E.164 phone number. Thoughtly needs numbers in E.164 format: a plus, the country code and the number, without spaces, e.g. +14155550123.',
		});
		expect(t.sent()).toEqual([]);
	});

	it('an argument inside Additional Fields is named too', async () => {
		const withAttributes: ToolNode = {
			name: 'Create contact',
			parameters: {
				...createContact.parameters,
				additionalFields: {
					attributes: "={{ $fromAI('attributes', 'Facts about the person as a JSON object', 'json') }}",
				},
			},
		};
		const [answer] = await agent(
			[{ call: 'Create_contact', arguments: { phone_number: '+14155550142', attributes: ['Acme'] } }],
			[withAttributes],
		);

		expect(answer).toEqual({
			error:
				'NodeOperationError: attributes must be a JSON object, not a list. Enter a JSON object, e.g. {"company": "Acme"}.',
		});
		expect(t.sent()).toEqual([]);
	});

	it("Thoughtly's refusal: its message and the hint in one text, without n8n's Details block", async () => {
		const outboundOff: ToolNode = {
			name: 'Call contact',
			parameters: { ...callContact.parameters, agentId: byId(SEED.agents.outboundDisabled) },
		};
		const [answer] = await agent([{ call: 'Call_contact', arguments: { contact_id: SEED.contacts.averyLee } }], [outboundOff]);

		expect(answer).toEqual({
			error:
				"NodeOperationError: Outbound calling is disabled for this agent. This agent has outbound calling turned off. Turn it on in the agent's settings in Thoughtly, or choose another agent.",
		});
	});

	it('a field the workflow fixed (not an argument) keeps its label, without the item index', async () => {
		const noAgent: ToolNode = { name: 'Call contact', parameters: { ...callContact.parameters, agentId: byId('') } };
		const [answer] = await agent([{ call: 'Call_contact', arguments: { contact_id: SEED.contacts.averyLee } }], [noAgent]);

		expect(answer).toEqual({
			error: 'NodeOperationError: Agent is empty. Choose the agent from the list, or enter its ID.',
		});
		expect(t.sent()).toEqual([]);
	});

	it('the same input in a normal workflow still names the field and the item', async () => {
		const { error } = await t.run({
			resource: 'contact',
			operation: 'create',
			phoneNumber: '4155550177',
			additionalFields: {},
		});

		expect(error?.message).toBe('Phone Number "4155550177" is not an E.164 phone number [item 0]');
		expect(error?.description).toBe(
			'Thoughtly needs numbers in E.164 format: a plus, the country code and the number, without spaces, e.g. +14155550123.',
		);
	});
});
