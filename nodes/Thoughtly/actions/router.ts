import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as agent from './agent/Agent.resource';
import * as automation from './automation/Automation.resource';
import * as call from './call/Call.resource';
import * as contact from './contact/Contact.resource';
import type { ThoughtlyOperation, ThoughtlyOperations, ThoughtlyResource } from './node.type';
import * as user from './user/User.resource';
import * as webhook from './webhook/Webhook.resource';

const resources: { [R in ThoughtlyResource]: Record<ThoughtlyOperations[R], ThoughtlyOperation> } = {
	agent,
	automation,
	call,
	contact,
	user,
	webhook,
};

/**
 * Runs the chosen operation once per input item. Each record an operation returns becomes one
 * output item paired with its input item; with Continue On Fail, an item that fails becomes one
 * error item paired with it, and the other items carry on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as ThoughtlyResource;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = (resources[resource] as Record<string, ThoughtlyOperation> | undefined)?.[operationName];
	if (!operation || typeof operation.execute !== 'function') {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" of "${resource}" is not supported`,
		);
	}

	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await operation.execute.call(this, itemIndex);
			const records = Array.isArray(result) ? result : [result];
			for (const record of records) {
				returnData.push({ json: record, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			const failure =
				error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			failure.context.itemIndex ??= itemIndex;
			if (this.continueOnFail()) {
				// Only `error`, `message` and `details` keys: n8n then knows the item failed, and
				// "Continue (using error output)" routes it to the error output.
				const details: IDataObject = {};
				if (failure.description) details.description = failure.description;
				if (failure instanceof NodeApiError && failure.httpCode) details.httpCode = failure.httpCode;
				const json: IDataObject = { error: failure.message };
				if (Object.keys(details).length) json.details = details;
				returnData.push({ json, pairedItem: { item: itemIndex } });
				continue;
			}
			throw failure;
		}
	}
	return [returnData];
}
