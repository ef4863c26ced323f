/**
 * Loads the simulator's copy of the Thoughtly OpenAPI document and validates requests against
 * it, so the simulator refuses exactly what the spec refuses (plus E.164 phone numbers).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

import type { QueryValue } from './types';

/** The copy shipped with the simulator, so it runs without ../shared beside the clone. */
export const SPEC_FILE = join(__dirname, 'spec', 'openapi.yml');

export const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Schema {
	$ref?: string;
	type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
	enum?: unknown[];
	nullable?: boolean;
	required?: string[];
	properties?: Record<string, Schema>;
	additionalProperties?: boolean | Schema;
	items?: Schema;
	minimum?: number;
	maximum?: number;
	format?: string;
	default?: unknown;
}

export interface Parameter {
	name: string;
	in: 'query' | 'path' | 'header' | 'cookie';
	required?: boolean;
	schema: Schema;
}

export interface Operation {
	operationId: string;
	method: string;
	/** As written in the spec, e.g. `/contact/{id}`. */
	path: string;
	parameters: Parameter[];
	body?: { required: boolean; schema: Schema };
	/** False for operations with `security: []` (the automation trigger). */
	authenticated: boolean;
}

export interface Issue {
	field: string;
	message: string;
}

export type RouteMatch =
	| { kind: 'operation'; operation: Operation; params: Record<string, string> }
	| { kind: 'method-not-allowed'; allowed: string[] }
	| { kind: 'not-found' };

interface Route {
	template: string;
	pattern: RegExp;
	names: string[];
	literal: boolean;
	operations: Map<string, Operation>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function article(type: string): string {
	return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeType(schema: Schema): string {
	return schema.nullable ? `${article(schema.type ?? 'value')} or null` : article(schema.type ?? 'value');
}

function join2(field: string, key: string): string {
	return field ? `${field}.${key}` : key;
}

export class ApiSpec {
	readonly operations: Operation[] = [];
	private readonly routes: Route[] = [];
	private readonly schemas: Record<string, Schema>;

	constructor(readonly document: Record<string, any>) {
		this.schemas = document.components?.schemas ?? {};
		for (const [template, item] of Object.entries<Record<string, any>>(document.paths ?? {})) {
			const names: string[] = [];
			const source = template
				.split('/')
				.map((segment) => {
					const param = /^\{(\w+)\}$/.exec(segment);
					if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
					names.push(param[1]);
					return '([^/]+)';
				})
				.join('/');
			const route: Route = {
				template,
				pattern: new RegExp(`^${source}$`),
				names,
				literal: names.length === 0,
				operations: new Map(),
			};
			for (const method of METHODS) {
				const op = item[method];
				if (!op) continue;
				const parameters: Parameter[] = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) =>
					p.$ref ? this.ref(p.$ref) : p,
				);
				const json = op.requestBody?.content?.['application/json'];
				const security = op.security ?? document.security ?? [];
				const operation: Operation = {
					operationId: op.operationId,
					method: method.toUpperCase(),
					path: template,
					parameters,
					body: json ? { required: op.requestBody.required === true, schema: json.schema ?? {} } : undefined,
					authenticated: security.length > 0,
				};
				route.operations.set(operation.method, operation);
				this.operations.push(operation);
			}
			this.routes.push(route);
		}
		// A literal path (/contact/call) wins over a template that also matches (/contact/{id}).
		this.routes.sort((a, b) => Number(b.literal) - Number(a.literal));
	}

	schema(name: string): Schema {
		const found = this.schemas[name];
		if (!found) throw new Error(`No schema ${name} in the spec`);
		return found;
	}

	operation(operationId: string): Operation {
		const found = this.operations.find((op) => op.operationId === operationId);
		if (!found) throw new Error(`No operation ${operationId} in the spec`);
		return found;
	}

	private ref(ref: string): any {
		const parts = ref.replace(/^#\//, '').split('/');
		let node: any = this.document;
		for (const part of parts) node = node?.[part];
		if (node === undefined) throw new Error(`Unresolvable $ref ${ref}`);
		return node;
	}

	private resolve(schema: Schema): Schema {
		let current = schema;
		while (current.$ref) current = this.ref(current.$ref);
		return current;
	}

	match(method: string, pathname: string): RouteMatch {
		const allowed = new Set<string>();
		for (const route of this.routes) {
			const found = route.pattern.exec(pathname);
			if (!found) continue;
			const operation = route.operations.get(method);
			if (operation) {
				const params: Record<string, string> = {};
				route.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1])));
				return { kind: 'operation', operation, params };
			}
			for (const m of route.operations.keys()) allowed.add(m);
		}
		return allowed.size ? { kind: 'method-not-allowed', allowed: [...allowed] } : { kind: 'not-found' };
	}

	/**
	 * Checks the query against the operation's query parameters and returns typed values
	 * (defaults applied). Unknown keys are refused by name, so `tags[0]=a` never passes for `tags=a`.
	 */
	validateQuery(
		operation: Operation,
		query: Record<string, QueryValue>,
	): { values: Record<string, unknown>; issues: Issue[] } {
		const declared = new Map(operation.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
		const values: Record<string, unknown> = {};
		const issues: Issue[] = [];
		for (const key of Object.keys(query)) {
			if (!declared.has(key)) {
				const known = [...declared.keys()];
				issues.push({
					field: key,
					message: known.length
						? `is not a query parameter of ${operation.method} ${operation.path} (allowed: ${known.join(', ')})`
						: `is not a query parameter of ${operation.method} ${operation.path} (it takes none)`,
				});
			}
		}
		for (const [name, param] of declared) {
			const schema = this.resolve(param.schema ?? {});
			const raw = query[name];
			if (raw === undefined) {
				if (param.required) issues.push({ field: name, message: 'is required' });
				else if (schema.default !== undefined) values[name] = schema.default;
				continue;
			}
			const list = Array.isArray(raw) ? raw : [raw];
			if (schema.type === 'array') {
				const items = this.resolve(schema.items ?? {});
				values[name] = list.map((item, i) => this.coerce(item, items, `${name}[${i}]`, issues));
			} else if (list.length > 1) {
				issues.push({ field: name, message: 'must be given once' });
			} else {
				values[name] = this.coerce(list[0], schema, name, issues);
			}
		}
		return { values, issues };
	}

	/** Turns one query string value into the schema's type, then checks it like a body value. */
	private coerce(text: string, schema: Schema, field: string, issues: Issue[]): unknown {
		let value: unknown = text;
		if (schema.type === 'integer' || schema.type === 'number') {
			const pattern = schema.type === 'integer' ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
			if (!pattern.test(text)) {
				issues.push({ field, message: `must be ${article(schema.type)}` });
				return undefined;
			}
			value = Number(text);
		} else if (schema.type === 'boolean') {
			if (text !== 'true' && text !== 'false') {
				issues.push({ field, message: 'must be true or false' });
				return undefined;
			}
			value = text === 'true';
		}
		this.check(schema, value, field, issues);
		return value;
	}

	/** Validates a parsed JSON body against the operation's request body schema. */
	validateBody(operation: Operation, body: unknown, present: boolean): Issue[] {
		if (!operation.body) return [];
		if (!present) return operation.body.required ? [{ field: 'body', message: 'is required (a JSON object)' }] : [];
		const issues: Issue[] = [];
		this.check(operation.body.schema, body, '', issues);
		return issues;
	}

	/** Validates any value against any schema of the spec; `field` names it in the issues. */
	check(schemaOrRef: Schema, value: unknown, field: string, issues: Issue[]): void {
		const schema = this.resolve(schemaOrRef);
		const name = field || 'body';
		if (value === null) {
			if (!schema.nullable && schema.type) issues.push({ field: name, message: `must be ${describeType(schema)}, not null` });
			return;
		}
		if (schema.type && !this.hasType(schema.type, value)) {
			issues.push({ field: name, message: `must be ${describeType(schema)}` });
			return;
		}
		if (schema.enum && !schema.enum.includes(value)) {
			issues.push({ field: name, message: `must be one of ${schema.enum.join(', ')}` });
			return;
		}
		if (typeof value === 'string') {
			if (schema.format === 'email' && !EMAIL.test(value)) {
				issues.push({ field: name, message: 'must be an email address' });
			} else if (schema.format === 'uri' && !isAbsoluteUri(value)) {
				issues.push({ field: name, message: 'must be an absolute URL' });
			} else if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) {
				issues.push({ field: name, message: 'must be a date-time' });
			}
			// Thoughtly dials phone numbers as given, so it only accepts E.164.
			if (field === 'phone_number' && !E164.test(value)) {
				issues.push({ field: name, message: 'must be an E.164 phone number such as +14155550123' });
			}
		}
		if (typeof value === 'number') {
			if (schema.minimum !== undefined && value < schema.minimum) {
				issues.push({ field: name, message: `must be at least ${schema.minimum}` });
			}
			if (schema.maximum !== undefined && value > schema.maximum) {
				issues.push({ field: name, message: `must be at most ${schema.maximum}` });
			}
		}
		if (Array.isArray(value) && schema.items) {
			value.forEach((item, i) => this.check(schema.items!, item, `${name}[${i}]`, issues));
		}
		if (isObject(value) && (schema.type === 'object' || schema.properties)) {
			const properties = schema.properties ?? {};
			for (const key of schema.required ?? []) {
				if (value[key] === undefined) issues.push({ field: join2(field, key), message: 'is required' });
			}
			for (const [key, item] of Object.entries(value)) {
				if (item === undefined) continue;
				const declared = properties[key];
				if (declared) {
					this.check(declared, item, join2(field, key), issues);
				} else if (schema.additionalProperties === false) {
					const known = Object.keys(properties).join(', ');
					issues.push({ field: join2(field, key), message: `is not an allowed field (allowed: ${known})` });
				} else if (isObject(schema.additionalProperties)) {
					this.check(schema.additionalProperties, item, join2(field, key), issues);
				}
			}
		}
	}

	private hasType(type: NonNullable<Schema['type']>, value: unknown): boolean {
		switch (type) {
			case 'object':
				return isObject(value);
			case 'array':
				return Array.isArray(value);
			case 'integer':
				return typeof value === 'number' && Number.isInteger(value);
			case 'number':
				return typeof value === 'number' && Number.isFinite(value);
			default:
				return typeof value === type;
		}
	}
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAbsoluteUri(value: string): boolean {
	try {
		return Boolean(new URL(value).protocol);
	} catch {
		return false;
	}
}

/**
 * The spec as the simulator serves it. One deliberate deviation: the spec's subscribe enum
 * lists two event types, but Thoughtly's event table (and the spec's own unsubscribe enum)
 * has five, and subscribing to folder events must work, so subscribe takes the unsubscribe enum.
 */
export function loadSpec(file = SPEC_FILE): ApiSpec {
	const document = parse(readFileSync(file, 'utf8'));
	const schemas = document.components.schemas;
	schemas.WebhookSubscribeRequest.properties.type.enum = [...schemas.WebhookUnsubscribeRequest.properties.type.enum];
	return new ApiSpec(document);
}
