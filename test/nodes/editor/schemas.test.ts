/**
 * Output schemas, which n8n's editor shows in the next node before the first run:
 * - the action node has one for every operation, where n8n 2.40's server looks for it
 *   (`GET /schemas/<type>/1.0.0/<resource>/<operation>.json` → n8n-core's
 *   `resolveOutputSchemaPath`), and each is exactly what the operation outputs from the
 *   simulator's answers (regenerate with `npm run schemas`);
 * - the editor never asks for a trigger's schema ("Trigger nodes do not have schema previews"),
 *   but n8n's AI workflow builder does, with version fallback: it finds the trigger's.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveOutputSchemaPath } from 'n8n-core';
import type { INodeTypeDescription } from 'n8n-workflow';

import { startN8n } from '../../helpers/n8n';
import { generateOutputSchemas, SAMPLE_RUNS, SCHEMA_DIR } from '../../helpers/output-schemas';

const NODES = path.resolve(__dirname, '../../../nodes');

let description: INodeTypeDescription;
beforeAll(async () => {
	const n8n = await startN8n();
	description = n8n.types.getByNameAndVersion('n8n-nodes-thoughtly.thoughtly').description;
});

/** Every resource → operation the node offers, from its description. */
function offeredOperations(): string[] {
	return description.properties
		.filter((p) => p.name === 'operation')
		.flatMap((p) =>
			(p.displayOptions?.show?.resource ?? []).flatMap((resource) =>
				(p.options ?? []).map((o) => `${String(resource)}/${'value' in o ? String(o.value) : ''}`),
			),
		)
		.sort();
}

it('has a sample run, hence a schema, for every operation the node offers', () => {
	expect(SAMPLE_RUNS.map((r) => `${r.resource}/${r.operation}`).sort()).toEqual(offeredOperations());
});

it('serves each operation\'s schema where the editor asks for it', () => {
	for (const operation of offeredOperations()) {
		const [resource, name] = operation.split('/');
		// The editor asks for version `1.0.0` (typeVersion padded) without fallback.
		const found = resolveOutputSchemaPath({
			nodeDir: path.join(NODES, 'Thoughtly'),
			version: '1.0.0',
			resource,
			operation: name,
		});
		expect(found && existsSync(found) ? path.relative(NODES, found) : `missing for ${operation}`).toBe(
			`Thoughtly/__schema__/v1.0.0/${operation}.json`,
		);
	}
});

it('describes exactly what each operation outputs from the simulator', async () => {
	const generated = await generateOutputSchemas();
	for (const [file, schema] of Object.entries(generated)) {
		const committed = path.join(SCHEMA_DIR, file);
		const content = existsSync(committed) ? JSON.parse(readFileSync(committed, 'utf8')) : `missing: run npm run schemas`;
		expect({ [file]: content }).toEqual({ [file]: schema });
		// The editor uses a schema only when it describes an object with properties.
		expect(schema).toMatchObject({ type: 'object', properties: expect.any(Object) });
		expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
	}
});

it("lets n8n's workflow builder find the trigger's schema", () => {
	const found = resolveOutputSchemaPath({
		nodeDir: path.join(NODES, 'ThoughtlyTrigger'),
		version: 1,
		versionFallback: true,
	});
	expect(found && path.relative(NODES, found)).toBe('ThoughtlyTrigger/__schema__/v1.0.0/output.json');
});
