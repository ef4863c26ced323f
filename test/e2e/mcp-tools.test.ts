/**
 * The Thoughtly node as an AI agent's tool, proven without a model: the example workflow of
 * `npm run dev` (MCP Server Trigger → Thoughtly tools Find contacts, Create contact, Call contact)
 * is published in a real n8n, and an MCP client from npm lists and calls its tools exactly as an
 * agent would. What the client reads (names, descriptions, argument schemas) and what reached the
 * simulator are both checked.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { loadExamples, withCredential } from '../../scripts/lib/dev';
import type { Workflow, WorkflowDefinition } from '../../scripts/lib/n8n-client';
import { SEED } from '../simulator/seed';
import { n8nMajor, shared, uniqueName, type Shared } from './harness/suite';

const EXAMPLE_FILE = 'mcp-server-thoughtly-tools.json';
/** n8n 1.x's MCP Server Trigger describes tools in JSON Schema draft 7 and names errors "Error". */
const SCHEMA_DIALECT = n8nMajor() === 1 ? 'http://json-schema.org/draft-07/schema#' : 'https://json-schema.org/draft/2020-12/schema';
const TOOL_ERROR_PREFIX = n8nMajor() === 1 ? 'Error' : 'NodeOperationError';

let ctx: Shared;
let workflow: Workflow;
let client: Client;
/** The example's trigger path, made unique so that runs never meet an earlier registration. */
let mcpPath: string;

/** The example workflow, pointed at the suite's credential and a path of its own. */
function exampleWorkflow(): WorkflowDefinition {
	const example = loadExamples().find((entry) => entry.file === EXAMPLE_FILE);
	if (!example) throw new Error(`examples/workflows/${EXAMPLE_FILE} is missing`);
	const definition = withCredential(example.workflow, ctx.credential);
	mcpPath = `thoughtly-${uniqueName('e2e').split(' ')[1]}`;
	return {
		...definition,
		name: uniqueName(definition.name),
		nodes: definition.nodes.map((node) =>
			node.type === '@n8n/n8n-nodes-langchain.mcpTrigger' ? { ...node, parameters: { ...node.parameters, path: mcpPath } } : node,
		),
	};
}

/** The tool descriptions n8n's "Thoughtly Tool" node type carries, as its editor shows them. */
async function toolDescriptionDefaults(): Promise<Record<string, string>> {
	const toolType = (await ctx.n8n.nodeTypes()).find((type) => type.name === 'n8n-nodes-thoughtly.thoughtlyTool');
	if (!toolType) throw new Error('n8n lists no n8n-nodes-thoughtly.thoughtlyTool');
	const defaults: Record<string, string> = {};
	for (const property of toolType.properties as Array<Record<string, any>>) {
		if (property.name !== 'toolDescription') continue;
		const show = property.displayOptions.show;
		defaults[`${show.resource[0]}.${show.operation[0]}`] = property.default;
	}
	return defaults;
}

beforeAll(async () => {
	ctx = await shared();
	workflow = await ctx.n8n.createWorkflow(exampleWorkflow());
	await ctx.n8n.activateWorkflow(workflow.id);
	client = new Client({ name: 'thoughtly-e2e', version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(new URL(`${ctx.state.n8nUrl}/mcp/${mcpPath}`)));
});

afterAll(async () => {
	await client?.close();
	if (workflow) await ctx.n8n.deactivateWorkflow(workflow.id);
});

beforeEach(async () => {
	await ctx.sim.reset();
});

describe('the example MCP server, published in n8n', () => {
	it('tells the client what the tools do, and which arguments they take', async () => {
		const { tools } = await client.listTools();
		const defaults = await toolDescriptionDefaults();

		expect(tools.map((tool) => tool.name)).toEqual(['Call_contact', 'Create_contact', 'Find_contacts']);
		expect(tools.map((tool) => tool.description)).toEqual([
			defaults['contact.call'],
			defaults['contact.create'],
			defaults['contact.getMany'],
		]);
		expect(tools[0].description).toMatch(/^Have a Thoughtly voice agent phone a contact now\. This rings a real person's phone/);
		expect(tools[1].description).toMatch(/^Create a contact in Thoughtly, so that a voice agent can call it\./);
		expect(tools.map((tool) => tool.inputSchema)).toEqual([
			{
				type: 'object',
				properties: {
					contact_id: {
						type: 'string',
						description: 'The ID of the contact to call (it starts with cnt_), from Create contact or Find contacts',
					},
				},
				required: ['contact_id'],
				additionalProperties: true,
				$schema: SCHEMA_DIALECT,
			},
			{
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
				additionalProperties: true,
				$schema: SCHEMA_DIALECT,
			},
			{
				type: 'object',
				properties: {
					search: {
						type: 'string',
						description: "Text to look for in the contacts' names, emails and phone numbers, e.g. a surname",
					},
				},
				required: ['search'],
				additionalProperties: true,
				$schema: SCHEMA_DIALECT,
			},
		]);
		expect(await ctx.sim.requests()).toEqual([]);
	});

	it('creates the contact and calls it with the arguments a model sends', async () => {
		const created = await client.callTool({
			name: 'Create_contact',
			arguments: { phone_number: '+14155550188', name: 'Robin Park' },
		});
		expect(created.isError).toBeFalsy();
		const [contact] = JSON.parse((created.content as Array<{ text: string }>)[0].text);
		expect(contact).toMatchObject({ phone_number: '+14155550188', name: 'Robin Park', tags: ['ai-agent'] });

		const called = await client.callTool({ name: 'Call_contact', arguments: { contact_id: contact.id } });
		expect(called.isError).toBeFalsy();
		const [call] = JSON.parse((called.content as Array<{ text: string }>)[0].text);
		expect(call).toMatchObject({ status: 'queued', contact_id: contact.id, interview_id: SEED.agents.salesQualifier });

		const requests = await ctx.sim.requests();
		expect(requests.map((r) => ({ method: r.method, path: r.path, body: r.body }))).toEqual([
			{ method: 'POST', path: '/contact/create', body: { phone_number: '+14155550188', name: 'Robin Park', tags: ['ai-agent'] } },
			{ method: 'POST', path: '/contact/call', body: { contact_id: contact.id, interview_id: SEED.agents.salesQualifier } },
		]);
	});

	it('finds contacts by the text a model searches for', async () => {
		const found = await client.callTool({ name: 'Find_contacts', arguments: { search: 'Avery' } });
		expect(found.isError).toBeFalsy();
		const contacts = JSON.parse((found.content as Array<{ text: string }>)[0].text);
		expect(contacts.map((c: { id: string }) => c.id)).toEqual([SEED.contacts.averyLee]);

		const requests = await ctx.sim.requests();
		expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /contact']);
		expect(requests[0].query).toMatchObject({ search: 'Avery', limit: '10' });
	});

	it('answers a phone number without a plus with a readable tool error, and sends nothing', async () => {
		const result = await client.callTool({
			name: 'Create_contact',
			arguments: { phone_number: '4155550177', name: 'Jamie Rivera' },
		});

		expect(result).toEqual({
			isError: true,
			content: [
				{
					type: 'text',
					text: `${TOOL_ERROR_PREFIX}: phone_number "4155550177" is not an E.164 phone number. Thoughtly needs numbers in E.164 format: a plus, the country code and the number, without spaces, e.g. +14155550123.`,
				},
			],
		});
		expect(await ctx.sim.requests()).toEqual([]);
	});
});
