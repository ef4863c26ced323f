import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** Every resource and its operations: the node's public interface, kept in step with the UI. */
export interface ThoughtlyOperations {
	agent: 'getMany';
	automation: 'trigger';
	call: 'getMany';
	contact: 'call' | 'create' | 'delete' | 'get' | 'getMany';
	user: 'get';
	webhook: 'getMany' | 'subscribe' | 'unsubscribe';
}

export type ThoughtlyResource = keyof ThoughtlyOperations;

/**
 * One operation: its fields, and what it does for one input item. It returns the records to
 * output for that item (one item per record); the router pairs them with the input item.
 */
export interface ThoughtlyOperation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[]>;
}
