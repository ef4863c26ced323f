/**
 * The package as users install it: `npm pack`, the tarball published to a real npm registry
 * (verdaccio on 127.0.0.1), then installed by n8n's own community-package installer through the
 * REST call the Settings → Community Nodes page makes (POST /rest/community-packages).
 *
 * n8n 2.40.7 only uses a registry other than registry.npmjs.org when its licence has the
 * `feat:communityNodes:customRegistry` feature (CommunityPackagesService.getNpmRegistry). This
 * n8n runs in n8n's own end-to-end test mode (E2E_TESTS=true), whose PATCH /rest/e2e/feature
 * turns that feature on; everything else is the installer as shipped: `npm pack` from the
 * registry into <user folder>/.n8n/nodes, unpack, `npm install`, load, record in the database.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeOutput } from '../../scripts/lib/n8n-client';
import { readPackageJson } from '../../scripts/lib/package-install';
import { SEED } from '../simulator/seed';
import { LocalRegistry } from './harness/registry';
import {
	ACTION_NODE_TYPE,
	CREDENTIAL_NAME,
	CREDENTIAL_TYPE,
	describeFrom,
	OWNER,
	PACKAGE_NAME,
	readState,
	simulatorCredentialData,
	singleOperationWorkflow,
	startOwnN8n,
	POLLING_NODE_TYPE,
	TRIGGER_NODE_TYPE,
	type OwnN8n,
} from './harness/suite';

const state = readState();
const registry = new LocalRegistry(path.join(state.workDir, 'registry'));
let own: OwnN8n | undefined;

afterAll(async () => {
	await own?.server.close();
	await registry.stop();
});

// n8n 1.49's installer runs a plain `npm install` from npmjs; a registry setting
// (N8N_COMMUNITY_PACKAGES_REGISTRY) is there from n8n 1.64 (@n8n/config 1.14).
describeFrom('1.64.0', 'installing the published package with n8n\'s community-package installer', () => {
	it('installs from the registry, loads under its own name and runs a workflow, also after a restart', async () => {
		const pkg = readPackageJson();
		await registry.start();
		await registry.addUser('e2e-publisher', 'e2e-publisher-password');
		registry.publish(state.tarball);
		const packument = await registry.packument(PACKAGE_NAME);
		expect(packument['dist-tags'].latest).toBe(pkg.version);

		own = await startOwnN8n('n8n-community', {
			installPackage: false,
			env: { E2E_TESTS: 'true', N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url },
			beforeOwner: async (server) => {
				const response = await fetch(`${server.url}/rest/e2e/feature`, {
					method: 'PATCH',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ feature: 'feat:communityNodes:customRegistry', enabled: true }),
				});
				expect(response.status).toBe(200);
			},
		});
		const { server, client } = own;
		expect((await client.nodeTypes()).filter((t) => t.name.startsWith(`${PACKAGE_NAME}.`))).toEqual([]);

		const installed = await client.installCommunityPackage(PACKAGE_NAME);
		expect(installed.packageName).toBe(PACKAGE_NAME);
		expect(installed.installedVersion).toBe(pkg.version);
		expect(installed.installedNodes.map((n) => n.type).sort()).toEqual(
			[ACTION_NODE_TYPE, POLLING_NODE_TYPE, TRIGGER_NODE_TYPE].sort(),
		);

		// Where n8n's installer put it, and what it recorded.
		const nodesDir = path.join(server.userFolder, '.n8n', 'nodes');
		const unpacked = JSON.parse(readFileSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json'), 'utf8'));
		expect(unpacked).toMatchObject({ name: PACKAGE_NAME, version: pkg.version });
		expect(unpacked.peerDependencies).toBeUndefined();
		expect(existsSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'dist', 'nodes', 'Thoughtly', 'Thoughtly.node.js'))).toBe(true);
		expect(JSON.parse(readFileSync(path.join(nodesDir, 'package.json'), 'utf8')).dependencies).toEqual({ [PACKAGE_NAME]: pkg.version });
		// n8n 2.x says failedLoading: false, n8n 1.x leaves it out when the package loaded.
		const listed = await client.listCommunityPackages();
		expect(listed).toEqual([expect.objectContaining({ packageName: PACKAGE_NAME, installedVersion: pkg.version })]);
		expect(listed[0].failedLoading ?? false).toBe(false);
		expect((await client.nodeTypes()).map((t) => t.name)).toEqual(
			expect.arrayContaining([ACTION_NODE_TYPE, POLLING_NODE_TYPE, TRIGGER_NODE_TYPE]),
		);
		expect(server.loadErrors()).toEqual([]);

		// A workflow with the freshly installed node runs.
		const saved = await client.createCredential(CREDENTIAL_NAME, CREDENTIAL_TYPE, simulatorCredentialData(state));
		const credential = { id: saved.id, name: saved.name };
		const workflow = await client.createWorkflow(
			singleOperationWorkflow('Who am I (community install)', { resource: 'user', operation: 'get' }, credential),
		);
		let execution = await client.runWorkflowAndWait(workflow.id, workflow.nodes[0].name);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Thoughtly')).toEqual([expect.objectContaining({ id: SEED.user.id, email: SEED.user.email })]);

		// After a restart n8n loads the installed package from disk at start-up.
		await server.restart();
		await client.login(OWNER.email, OWNER.password);
		expect(server.loadErrors()).toEqual([]);
		const relisted = await client.listCommunityPackages();
		expect(relisted).toEqual([expect.objectContaining({ packageName: PACKAGE_NAME })]);
		expect(relisted[0].failedLoading ?? false).toBe(false);
		execution = await client.runWorkflowAndWait(workflow.id, workflow.nodes[0].name);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Thoughtly')).toEqual([expect.objectContaining({ id: SEED.user.id })]);
	});
});
