/**
 * Runs a polling trigger the way n8n's server does (n8n 2.40.7 with its default settings, no
 * durable poll cursors: ActiveWorkflowTriggers.activatePollTrigger, PollTriggerExecutor,
 * TriggerExecutionContextFactory.getExecutePollFunctions), through n8n-core's real PollContext:
 *
 * - `activate()` runs the first poll at once, as publishing does, with the error thrown to the
 *   caller (the publication fails); the static data is saved afterwards;
 * - `poll()` is one scheduled poll: the workflow n8n keeps in memory while the workflow is
 *   published, static data included; a poll that emits saves the static data (`__emit`), one
 *   that returns null saves nothing, one that throws is reported (`__emitError`) and saves nothing;
 * - `restart()` is an n8n restart: the workflow in memory is gone, n8n builds it again from the
 *   saved static data and runs the first poll (activation mode `init`);
 * - `fetchTestEvent()` is the editor's "Fetch Test Event": a manual poll of its own.
 */
import { PollContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { deepCopy } from 'n8n-workflow';

import type { N8nHarness } from './n8n';

export interface PollOutcome {
	/** The items of the execution the poll started; undefined when it started none. */
	items?: INodeExecutionData[];
	/** The error the poll failed with. */
	error?: Error;
}

export class DeployedPoller {
	/** The workflow's static data as n8n's database holds it. */
	storedStaticData: IDataObject = {};

	/** The items of every execution started, in order. */
	readonly executions: INodeExecutionData[][] = [];

	/** The published workflow n8n holds in memory between polls. */
	private live?: Workflow;

	constructor(
		readonly harness: N8nHarness,
		readonly node: INode,
		readonly workflowId = 'wf-thoughtly-polling',
	) {}

	private fromDatabase(): Workflow {
		return this.harness.workflow({
			id: this.workflowId,
			nodes: [deepCopy(this.node)],
			active: true,
			staticData: deepCopy(this.storedStaticData),
		});
	}

	private save(workflow: Workflow): void {
		const staticData = deepCopy(workflow.staticData) as IDataObject;
		delete staticData.__dataChanged;
		this.storedStaticData = staticData;
	}

	private async run(
		workflow: Workflow,
		mode: WorkflowExecuteMode,
		activation: WorkflowActivateMode,
	): Promise<INodeExecutionData[][] | null> {
		const node = workflow.getNode(this.node.name) as INode;
		const nodeType = this.harness.types.getByNameAndVersion(node.type, node.typeVersion);
		const additionalData: IWorkflowExecuteAdditionalData = this.harness.additionalData();
		const context = new PollContext(workflow, node, additionalData, mode, activation);
		return await nodeType.poll!.call(context);
	}

	private emit(workflow: Workflow, data: INodeExecutionData[][]): INodeExecutionData[] {
		this.save(workflow);
		this.executions.push(data[0] ?? []);
		return data[0] ?? [];
	}

	/** Publishing the workflow (or, with `init`, n8n starting with it published). */
	async activate(activation: WorkflowActivateMode = 'activate'): Promise<PollOutcome> {
		const workflow = this.fromDatabase();
		const data = await this.run(workflow, 'trigger', activation);
		const items = data === null ? undefined : this.emit(workflow, data);
		this.live = workflow;
		this.save(workflow);
		return { items };
	}

	/** One scheduled poll. */
	async poll(): Promise<PollOutcome> {
		if (!this.live) throw new Error('The workflow is not published');
		try {
			const data = await this.run(this.live, 'trigger', 'activate');
			return data === null ? {} : { items: this.emit(this.live, data) };
		} catch (error) {
			return { error: error as Error };
		}
	}

	/** An n8n restart: what is not saved is lost, and the workflow is published again. */
	async restart(): Promise<PollOutcome> {
		this.live = undefined;
		return await this.activate('init');
	}

	/** "Fetch Test Event" in the editor: a manual run of the poll, whose static data is not saved. */
	async fetchTestEvent(): Promise<INodeExecutionData[] | null> {
		const data = await this.run(this.fromDatabase(), 'manual', 'manual');
		return data === null ? null : (data[0] ?? []);
	}

	/** The node's static data as saved. */
	storedNodeData(): IDataObject {
		return (this.storedStaticData[`node:${this.node.name}`] as IDataObject | undefined) ?? {};
	}
}
