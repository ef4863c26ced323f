/** Stops what global-setup.ts started and removes the working folder (unless THOUGHTLY_E2E_KEEP=1). */
import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
	const handles = globalThis.__THOUGHTLY_E2E__;
	if (!handles) return;
	globalThis.__THOUGHTLY_E2E__ = undefined;
	await handles.server.close();
	await handles.simulator.stop();
	if (process.env.THOUGHTLY_E2E_KEEP === '1') {
		process.stderr.write(`[e2e] kept ${handles.workDir} (n8n logs: */n8n.log, simulator.log)\n`);
	} else {
		rmSync(handles.workDir, { recursive: true, force: true });
	}
}
