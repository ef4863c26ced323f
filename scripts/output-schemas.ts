/**
 * `npm run schemas`: writes the action node's output schemas (nodes/Thoughtly/__schema__) from
 * what each operation outputs against the simulator. See test/helpers/output-schemas.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { generateOutputSchemas, SCHEMA_DIR } from '../test/helpers/output-schemas';

async function main(): Promise<void> {
	const schemas = await generateOutputSchemas();
	for (const [file, schema] of Object.entries(schemas)) {
		const target = path.join(SCHEMA_DIR, file);
		mkdirSync(path.dirname(target), { recursive: true });
		writeFileSync(target, `${JSON.stringify(schema, null, '\t')}\n`);
		process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
