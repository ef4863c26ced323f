import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ThoughtlyRequest } from '../transport';

/**
 * An operation that reads: its fields, and what it does for one input item. It returns the
 * records to output for that item (one item per record); the router pairs them with the item.
 */
export interface ThoughtlyReadOperation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[]>;
}

/**
 * An operation that changes something in Thoughtly. `prepare` reads and checks one item's input
 * and builds its request without sending anything: the router prepares every item before the
 * first request, so bad input never leaves a half-done run. `execute` sends that request.
 */
export interface ThoughtlyWriteOperation {
	description: INodeProperties[];
	prepare(this: IExecuteFunctions, itemIndex: number): ThoughtlyRequest | Promise<ThoughtlyRequest>;
	execute(this: IExecuteFunctions, itemIndex: number, request: ThoughtlyRequest): Promise<IDataObject>;
	/**
	 * Sending the request twice would act twice (a second contact, a second ring): within one
	 * execution it is sent at most once per item, also when n8n's Retry On Fail runs the node again.
	 */
	sendsOnce: boolean;
	/** Runs once after every item, on the items to output (Contact → Call's waiting). */
	finish?(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]>;
	/** Runs when an item failed and the node fails with it: undoes what must not outlive the run. */
	abandon?(this: IExecuteFunctions): Promise<void>;
}

export type ThoughtlyOperation = ThoughtlyReadOperation | ThoughtlyWriteOperation;

export function isWriteOperation(operation: ThoughtlyOperation): operation is ThoughtlyWriteOperation {
	return typeof (operation as Partial<ThoughtlyWriteOperation>).prepare === 'function';
}
