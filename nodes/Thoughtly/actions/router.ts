import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { SentItems, sendOnce } from '../helpers/sentItems';
import type { ThoughtlyRequest } from '../transport';
import type { ThoughtlyWriteOperation } from './node.type';
import { isWriteOperation } from './node.type';
import { operationOf } from './resources';

/**
 * Runs the chosen operation once per input item. Each record an operation returns becomes one
 * output item paired with its input item; with Continue On Fail, an item that fails becomes one
 * error item paired with it, and the other items carry on. Write operations check every item's
 * input before the first request is sent.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operationOf(resource, operationName);
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" of "${resource}" is not supported`,
		);
	}

	const run = isWriteOperation(operation)
		? await writeRunner.call(this, operation, items.length)
		: async (itemIndex: number) => await operation.execute.call(this, itemIndex);

	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await run(itemIndex);
			const records = Array.isArray(result) ? result : [result];
			for (const record of records) {
				returnData.push({ json: record, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			if (!this.continueOnFail()) {
				if (isWriteOperation(operation)) await operation.abandon?.call(this);
				throw asNodeError.call(this, error, itemIndex);
			}
			returnData.push(errorItem(asNodeError.call(this, error, itemIndex), itemIndex));
		}
	}
	// n8n runs the node again only when its first item is an error (Retry On Fail).
	if (items.length && !returnData[0]?.json.error) SentItems.of(this)?.forget();
	if (isWriteOperation(operation) && operation.finish) return await operation.finish.call(this, returnData);
	return [returnData];
}

/**
 * Prepares every item's request before any is sent: without Continue On Fail the first bad item
 * stops the run before anything happened; with it, bad items fail alone. Requests that must not be
 * sent twice are sent once per item and execution (see SentItems).
 */
async function writeRunner(
	this: IExecuteFunctions,
	operation: ThoughtlyWriteOperation,
	itemCount: number,
): Promise<(itemIndex: number) => Promise<IDataObject>> {
	const prepared: Array<ThoughtlyRequest | Error> = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			prepared.push(await operation.prepare.call(this, itemIndex));
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError.call(this, error, itemIndex);
			prepared.push(error as Error);
		}
	}
	return async (itemIndex) => {
		const request = prepared[itemIndex];
		if (request instanceof Error) throw request;
		const send = async () => await operation.execute.call(this, itemIndex, request);
		return operation.sendsOnce ? await sendOnce(this, itemIndex, request, send) : await send();
	};
}

function asNodeError(this: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	const failure =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	failure.context.itemIndex ??= itemIndex;
	return failure;
}

/**
 * Only `error`, `message` and `details` keys: n8n then knows the item failed, and "Continue (using
 * error output)" routes it to the error output.
 */
function errorItem(failure: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	const details: IDataObject = {};
	if (failure.description) details.description = failure.description;
	if (failure instanceof NodeApiError && failure.httpCode) details.httpCode = failure.httpCode;
	const json: IDataObject = { error: failure.message };
	if (Object.keys(details).length) json.details = details;
	return { json, pairedItem: { item: itemIndex } };
}
