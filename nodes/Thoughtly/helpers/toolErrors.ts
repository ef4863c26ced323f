import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * Errors as an AI agent reads them when the node is its tool. The node's messages are written
 * for a person in the editor: "Phone Number "4155550177" is not an E.164 phone number [item 0]",
 * with the fix in a separate description. A model fills arguments named by `$fromAI()`, knows
 * no items, and gets the description (if at all) after a "Details:" line that n8n adds. So in a
 * tool, the message names the argument, drops the item, and carries the fix itself.
 */

/** n8n runs a node as a tool under its own type name with "Tool" added (`thoughtlyTool`). */
function runsAsTool(this: IExecuteFunctions): boolean {
	return this.getNode().type.endsWith('Tool');
}

const ITEM_SUFFIX = /\s*\[item \d+\]\s*$/;
const FROM_AI_KEY = /\$fromAI\(\s*(['"`])([A-Za-z0-9_-]{1,64})\1/g;

/** The error, reworded for a model when the node runs as a tool; otherwise unchanged. */
export function forTool(this: IExecuteFunctions, error: unknown, properties: INodeProperties[]): unknown {
	if (!runsAsTool.call(this)) return error;
	if (!(error instanceof NodeOperationError || error instanceof NodeApiError)) return error;
	let text = error.message.replace(ITEM_SUFFIX, '');
	for (const [label, argument] of argumentsByLabel(this.getNode().parameters, properties)) {
		if (text.startsWith(`${label} `)) {
			text = argument + text.slice(label.length);
			break;
		}
	}
	const fix = error.description?.trim();
	if (fix && !text.includes(fix)) text = `${text.replace(/[.\s]+$/, '')}. ${fix}`;
	// n8n adds the description as "Details:" only when the message does not contain it already.
	error.message = text;
	return error;
}

/**
 * For each parameter filled by exactly one `$fromAI()` argument: its label in the editor (which
 * the node's messages start with) → the argument's name. Longest labels first, so that
 * "Country Code" wins over a shorter label it starts with.
 */
function argumentsByLabel(parameters: object, properties: INodeProperties[]): Array<[string, string]> {
	const labels = labelsByName(properties);
	const found = new Map<string, string>();
	const visit = (value: unknown, name: string) => {
		if (typeof value === 'string') {
			const keys = new Set(Array.from(value.matchAll(FROM_AI_KEY), (match) => match[2]));
			const label = labels.get(name);
			if (keys.size === 1 && label) found.set(label, [...keys][0]);
		} else if (value && typeof value === 'object' && !Array.isArray(value)) {
			// A resource locator holds its value under `value`; a collection holds named fields.
			if ('__rl' in value) visit((value as { value?: unknown }).value, name);
			else for (const [key, inner] of Object.entries(value)) visit(inner, key);
		}
	};
	for (const [name, value] of Object.entries(parameters)) visit(value, name);
	return [...found].sort(([a], [b]) => b.length - a.length);
}

/** Parameter name → label, including the fields inside collections. */
function labelsByName(properties: INodeProperties[]): Map<string, string> {
	const labels = new Map<string, string>();
	const visit = (list: INodeProperties[]) => {
		for (const property of list) {
			if (!labels.has(property.name)) labels.set(property.name, property.displayName);
			const options = property.options as Array<INodeProperties | { name: string }> | undefined;
			if (property.type === 'collection' && options) visit(options as INodeProperties[]);
		}
	};
	visit(properties);
	return labels;
}
