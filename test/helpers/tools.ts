/**
 * The Thoughtly node as an AI agent's tool, in n8n-core's engine.
 *
 * n8n's server (n8n 2.40, `tool-generation/ai-tools` in the cli package) makes a second node
 * type of every node marked `usableAsTool`: `<name>Tool`, with no main input, an `ai_tool`
 * output, " Tool" added to its display name, and, unless the node has a `toolDescription`
 * parameter of its own, a "Tool Description" choice (automatic or manual) and a `toolDescription`
 * parameter. `toolVariant` builds that type here, because the cli package is not a dependency.
 *
 * An agent, or the MCP Server Trigger, asks the engine for the tools connected to it
 * (`getInputConnectionData`); n8n-core turns each tool node into a LangChain tool: its name from
 * the node's name, its description from `toolDescription`, its arguments from the `$fromAI()`
 * calls in the node's parameters, and each call runs the node's `execute`. `TestAgent` is such
 * a parent: it lists its tools and calls them, and reports a failed call as the MCP Server
 * Trigger does (`<error name>: <message>`).
 */
import type { StructuredTool } from '@langchain/core/tools';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { deepCopy, NodeConnectionTypes } from 'n8n-workflow';

import type { N8nHarness } from './n8n';
import { nodeTypeName, TEST_INPUT_NODE } from './n8n';

/** The tool type n8n's server derives from a node type marked `usableAsTool`. */
export function toolVariant(nodeType: INodeType): INodeType {
	const description: INodeTypeDescription = deepCopy(nodeType.description);
	description.name += 'Tool';
	description.displayName += ' Tool';
	description.inputs = [];
	description.outputs = [NodeConnectionTypes.AiTool];
	delete description.usableAsTool;
	if (!description.properties.some((property) => property.name === 'toolDescription')) {
		const manual: INodeProperties = {
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			default: nodeType.description.description,
			required: true,
			displayOptions: { show: { descriptionType: ['manual'] } },
		};
		const choice: INodeProperties = {
			displayName: 'Tool Description',
			name: 'descriptionType',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Set Automatically', value: 'auto' },
				{ name: 'Set Manually', value: 'manual' },
			],
			default: 'auto',
		};
		description.properties.unshift(choice, manual);
	}
	return { description, methods: nodeType.methods, execute: nodeType.execute };
}

export const TEST_AGENT_TYPE = 'n8n-nodes-thoughtly-test.testAgent';

/** What `TestAgent` outputs for `{ list: true }`: each tool as an MCP client lists it. */
export interface ListedTool {
	name: string;
	description: string;
	inputSchema: IDataObject;
}

/**
 * A parent of tools. Each input item is a request: `{ list: true }` outputs the tools (name,
 * description, JSON schema of the arguments); `{ call: name, arguments }` calls one and outputs
 * `{ result }` (the text the tool returned) or `{ error }`.
 */
export class TestAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Agent',
		name: 'testAgent',
		group: ['transform'],
		version: 1,
		description: 'Lists and calls the tools connected to it',
		defaults: { name: 'Test Agent' },
		inputs: [NodeConnectionTypes.Main, { type: NodeConnectionTypes.AiTool, displayName: 'Tools' }],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const tools = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as StructuredTool[];
		const output: INodeExecutionData[] = [];
		for (const [index, item] of this.getInputData().entries()) {
			const request = item.json;
			let json: IDataObject;
			if (request.list) {
				json = {
					tools: tools.map((tool) => ({
						name: tool.name,
						description: tool.description,
						inputSchema: toJsonSchema(tool.schema) as IDataObject,
					})),
				};
			} else {
				const tool = tools.find((candidate) => candidate.name === request.call);
				if (!tool) throw new Error(`No tool named ${String(request.call)}`);
				try {
					json = { result: (await tool.invoke(request.arguments as IDataObject)) as string };
				} catch (error) {
					json = { error: `${(error as Error).name}: ${(error as Error).message}` };
				}
			}
			output.push({ json, pairedItem: { item: index } });
		}
		return [output];
	}
}

/** Registers the Thoughtly tool type and the test agent with the harness (once per harness). */
export function registerTools(n8n: N8nHarness): void {
	const thoughtly = n8n.types.getByNameAndVersion(nodeTypeName('thoughtly'));
	n8n.types.addNodeType(nodeTypeName('thoughtlyTool'), toolVariant(thoughtly));
	n8n.types.addNodeType(TEST_AGENT_TYPE, new TestAgent());
}

export interface ToolNode {
	/** The node's name, which becomes the tool's name. */
	name: string;
	parameters: INode['parameters'];
}

/**
 * Runs `Test Input → Test Agent` with these Thoughtly tool nodes connected to the agent, and
 * returns the agent's output, one item per request.
 */
export async function runAgent(
	n8n: N8nHarness,
	tools: ToolNode[],
	credentials: INode['credentials'],
	requests: IDataObject[],
): Promise<IDataObject[]> {
	const start = TEST_INPUT_NODE;
	const agent: INode = {
		id: 'node-test-agent',
		name: 'Test Agent',
		type: TEST_AGENT_TYPE,
		typeVersion: 1,
		position: [200, 0],
		parameters: {},
	};
	const toolNodes: INode[] = tools.map((tool, index) => ({
		id: `node-tool-${index}`,
		name: tool.name,
		type: nodeTypeName('thoughtlyTool'),
		typeVersion: 1,
		position: [200 + index * 100, 200],
		parameters: tool.parameters,
		credentials,
	}));
	const connections: Record<string, Record<string, unknown>> = {
		[start.name]: { main: [[{ node: agent.name, type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	for (const tool of toolNodes) {
		connections[tool.name] = {
			[NodeConnectionTypes.AiTool]: [[{ node: agent.name, type: NodeConnectionTypes.AiTool, index: 0 }]],
		};
	}
	const workflow = n8n.workflow({
		nodes: [start, agent, ...toolNodes],
		connections: connections as never,
	});
	const run = await n8n.execute(
		workflow,
		start,
		requests.map((json) => ({ json })),
	);
	const task = run.data.resultData.runData[agent.name]?.[0];
	if (!task?.data) {
		throw new Error(`The agent did not run: ${run.data.resultData.error?.message ?? 'no error recorded'}`);
	}
	if (task.error) throw task.error;
	return (task.data.main[0] ?? []).map((item) => item.json);
}
