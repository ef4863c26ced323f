import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Reading and checking parameters before anything is sent: a request that Thoughtly would refuse,
 * or that would reach the wrong record, is stopped here with a message naming the field and item.
 */

/** E.164: a plus, the country code and the number, 15 digits at most. */
const E164 = /^\+[1-9]\d{1,14}$/;
/** Spaces, dashes, dots and brackets that people write into numbers: not part of E.164. */
const PHONE_FORMATTING = /[\s\-.()]/g;
/** The trunk prefix written after the country code, `+44 (0)20 …`: dialled only at home. */
const TRUNK_ZERO = /^(\+\d{1,3})\s*\(0\)/;
/** A path segment made only of dots, also escaped: HTTP clients resolve it to another path. */
const DOT_SEGMENT = /^(?:\.|%2e)+$/i;

/** The ID held by a resource locator (either mode) or a plain text field, which must not be empty. */
export function getRequiredId(
	this: IExecuteFunctions,
	name: string,
	itemIndex: number,
	label: string,
): string {
	const value = this.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
	const id = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!id) {
		throw new NodeOperationError(this.getNode(), `${label} is empty [item ${itemIndex}]`, {
			description: `Choose the ${label.toLowerCase()} from the list, or enter its ID.`,
			itemIndex,
		});
	}
	return checkId.call(this, id, itemIndex, label);
}

/**
 * IDs go into paths (and bodies): refuses an ID that would send the request to another endpoint
 * (only dots), or that cannot be sent as it is (control characters, unpaired surrogates).
 */
export function checkId(this: IExecuteFunctions, id: string, itemIndex: number, label: string): string {
	let problem: string | undefined;
	if (DOT_SEGMENT.test(id)) {
		problem = 'An ID made only of dots would send the request to another address in Thoughtly.';
	} else if (hasControlCharacter(id)) {
		problem = 'It contains a control character (such as a line break), which no Thoughtly ID has.';
	} else if (!isSendable(id)) {
		problem = 'It contains a character that cannot be sent (an unpaired surrogate).';
	}
	if (problem) throw notAnId(this.getNode(), id, itemIndex, label, problem);
	return id;
}

export function notAnId(node: INode, id: string, itemIndex: number, label: string, problem: string): NodeOperationError {
	return new NodeOperationError(node, `${label} ${JSON.stringify(id)} is not an ID [item ${itemIndex}]`, {
		description: `${problem} Check the ${label.toLowerCase()} the expression gives.`,
		itemIndex,
	});
}

/** Line breaks, tabs, NUL and the other C0 control characters, and DEL. */
export function hasControlCharacter(text: string): boolean {
	return [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

function isSendable(text: string): boolean {
	try {
		encodeURIComponent(text);
		return true;
	} catch {
		return false; // an unpaired surrogate: "URI malformed"
	}
}

/** A phone number in E.164 form; formatting characters such as spaces and dashes are removed. */
export function getPhoneNumber(this: IExecuteFunctions, name: string, itemIndex: number, label: string): string {
	const value = this.getNodeParameter(name, itemIndex, '') as unknown;
	// A number from an expression has lost its plus; guessing the country could ring a stranger.
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!text) {
		throw new NodeOperationError(this.getNode(), `${label} is empty [item ${itemIndex}]`, {
			description: 'Enter the number in E.164 format: a plus, the country code and the number, e.g. +14155550123.',
			itemIndex,
		});
	}
	const phoneNumber = text.replace(TRUNK_ZERO, '$1').replace(PHONE_FORMATTING, '');
	if (!E164.test(phoneNumber)) {
		throw new NodeOperationError(
			this.getNode(),
			`${label} "${text}" is not an E.164 phone number [item ${itemIndex}]`,
			{
				description:
					'Thoughtly needs numbers in E.164 format: a plus, the country code and the number, without spaces, e.g. +14155550123.',
				itemIndex,
			},
		);
	}
	return phoneNumber;
}

/**
 * A JSON object typed in the editor (text) or produced by an expression (an object). Empty means
 * "not given" (undefined); anything but an object (an array, a number, text that is not JSON) is refused.
 */
export function getJsonObject(
	this: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
	label: string,
): IDataObject | undefined {
	let parsed = value;
	if (parsed === undefined || parsed === null) return undefined;
	if (typeof parsed === 'string') {
		if (!parsed.trim()) return undefined;
		try {
			parsed = JSON.parse(parsed);
		} catch (error) {
			throw new NodeOperationError(this.getNode(), `${label} is not valid JSON [item ${itemIndex}]`, {
				description: `${(error as Error).message}. Enter a JSON object, e.g. {"company": "Acme"}.`,
				itemIndex,
			});
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		const kind = Array.isArray(parsed) ? 'a list' : parsed === null ? 'null' : `a ${typeof parsed}`;
		throw new NodeOperationError(
			this.getNode(),
			`${label} must be a JSON object, not ${kind} [item ${itemIndex}]`,
			{ description: 'Enter a JSON object, e.g. {"company": "Acme"}.', itemIndex },
		);
	}
	return parsed as IDataObject;
}

/**
 * An optional text field: text is trimmed, a number from an expression is sent as its digits, and
 * anything else (an object, a list, true/false) is refused rather than silently left out.
 */
export function getText(this: IExecuteFunctions, value: unknown, itemIndex: number, label: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value.trim() || undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	const kind = Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
	throw new NodeOperationError(this.getNode(), `${label} must be text, not ${kind} [item ${itemIndex}]`, {
		description: `Give ${label} as text, e.g. with an expression that picks one field.`,
		itemIndex,
	});
}

/** Comma-separated text (or a list from an expression) as a list of non-empty, trimmed values. */
export function toList(value: unknown): string[] {
	const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
	return parts
		.filter((part) => part !== null && part !== undefined)
		.map((part) => String(part).trim())
		.filter((part) => part !== '');
}

/** Drops keys whose value is empty (undefined, null, '', [], false), so only given fields are sent. */
export function withoutEmpty(values: IDataObject): IDataObject {
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(values)) {
		if (value === undefined || value === null || value === '' || value === false) continue;
		if (Array.isArray(value) && value.length === 0) continue;
		result[key] = value;
	}
	return result;
}

/** Thoughtly IDs go into paths: encode them so an ID cannot change the path. */
export function pathId(id: string): string {
	return encodeURIComponent(id);
}

/** What an operation outputs when Thoughtly answers a change without a record. */
export function asRecord(data: unknown, fallback: IDataObject): IDataObject {
	return data && typeof data === 'object' && !Array.isArray(data) ? (data as IDataObject) : fallback;
}

/** How many records a Get Many operation returns: all of them, or the Limit parameter. */
export function getListLimit(this: IExecuteFunctions, itemIndex: number): number | undefined {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	if (returnAll) return undefined;
	const value = this.getNodeParameter('limit', itemIndex) as unknown;
	// An expression may give the number as text ("25").
	const limit = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
		const shown = typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
		throw new NodeOperationError(
			this.getNode(),
			`Limit must be a whole number of 1 or more, not ${shown} [item ${itemIndex}]`,
			{ description: 'Enter how many records to return, e.g. 50, or turn on Return All.', itemIndex },
		);
	}
	return limit;
}
