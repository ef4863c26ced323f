/**
 * Runs this package's nodes inside n8n's real execution engine (n8n-core), the way an n8n server
 * does, so tests exercise what users get rather than hand-made mocks of n8n's interfaces:
 *
 * - node and credential classes are loaded by n8n-core's own `PackageDirectoryLoader` from the
 *   `n8n` section of package.json (icons fixed, codex attached, descriptions validated), with the
 *   `dist/*.js` paths pointed at the TypeScript sources, as n8n's own node tests do;
 * - credentials are stored encrypted with n8n-core's `Credentials` (AES, instance key) and read
 *   back, given their defaults and expressions, and applied to requests (`authenticate`) the way
 *   the n8n server's CredentialsHelper does;
 * - workflows run through `WorkflowExecute.processRunExecutionData`; resource locator searches
 *   run through `LoadOptionsContext`; credential tests through `RoutingNode`, as n8n's
 *   CredentialsTester does.
 *
 * Only what n8n's server adds around the engine is written here (storage of credentials, the
 * list of node types, the URLs in `additionalData`), following n8n 2.40's server code.
 */
// Must come first: sets n8n's environment before n8n's modules read it.
import './n8n-env';

import { Container } from '@n8n/di';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
	Cipher,
	Credentials,
	EncryptionKeyProxy,
	ExecuteContext,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	getAdditionalKeys,
	HookContext,
	InstanceSettings,
	LoadOptionsContext,
	PackageDirectoryLoader,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import type { IEncryptionKeyProvider, KeyInfo } from 'n8n-core';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsDecrypted,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	ICredentialTypes,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	ITaskData,
	IVersionedNodeType,
	IWebhookData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	ICredentialsHelper,
	isExpression,
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	Workflow,
} from 'n8n-workflow';

const PACKAGE_DIR = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-thoughtly';

/** `thoughtly` → `n8n-nodes-thoughtly.thoughtly`, the type a workflow names a node by. */
export function nodeTypeName(shortName: string): string {
	return shortName.includes('.') ? shortName : `${PACKAGE_NAME}.${shortName}`;
}

// ---------------------------------------------------------------------------------------------
// n8n's instance: user folder and encryption key
// ---------------------------------------------------------------------------------------------

let instancePrepared = false;

/** Points n8n-core's encryption at the instance key, as the server does at start-up. */
function prepareInstance(): void {
	if (instancePrepared) return;
	// The server's key manager is database-backed; without key rotation it serves the instance key
	// as the one data key ("instance-key", unprefixed ciphertexts). This provider does the same.
	const cipher = Container.get(Cipher);
	const instanceKey: KeyInfo = {
		id: 'instance-key',
		value: cipher.encryptDEKWithInstanceKey(Container.get(InstanceSettings).encryptionKey),
		algorithm: 'aes-256-cbc',
		format: 'no-prefix',
	};
	const provider: IEncryptionKeyProvider = {
		getActiveKey: async () => instanceKey,
		getKeyById: async (id) => (id === instanceKey.id ? instanceKey : null),
		getLegacyKey: async () => instanceKey,
	};
	Container.get(EncryptionKeyProxy).setProvider(provider);
	instancePrepared = true;
}

// ---------------------------------------------------------------------------------------------
// Node and credential types
// ---------------------------------------------------------------------------------------------

/**
 * n8n-core's package loader, reading package.json's `n8n` section like the server does, but
 * pointed at the TypeScript sources (`dist/nodes/X.node.js` → `nodes/X.node.ts`; ts-jest compiles
 * them on require). Entries whose source does not exist yet are left out.
 */
class SourcePackageLoader extends PackageDirectoryLoader {
	constructor() {
		super(PACKAGE_DIR);
		const n8n = this.packageJson.n8n ?? {};
		const exists = (entry: string) => existsSync(this.resolvePath(entry));
		this.packageJson = {
			...this.packageJson,
			n8n: {
				...n8n,
				nodes: (n8n.nodes ?? []).filter(exists),
				credentials: (n8n.credentials ?? []).filter(exists),
			},
		};
	}

	protected resolvePath(file: string): string {
		return super.resolvePath(file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	}
}

/**
 * The engine needs something to hand the test's items to the node under test. n8n's own
 * starting nodes do not fit: `n8n-nodes-base` (Manual Trigger, No-Op) is not installed here, and
 * Manual Trigger emits a single empty item anyway. So the workflow starts with this pass-through
 * node, put on the execution stack with the test's items as its input, which is how
 * `WorkflowExecute` starts any execution (and how n8n's own node tests feed their start node).
 * Its items then reach the node under test through a real connection, with paired-item lineage,
 * exactly as items from any upstream node would.
 */
export class TestInput implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Input',
		name: 'testInput',
		group: ['input'],
		version: 1,
		description: 'Passes the items a test provides to the next node',
		defaults: { name: 'Test Input' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData().map((item, index) => ({ json: item.json, pairedItem: { item: index } }))];
	}
}

export const TEST_INPUT_TYPE = 'n8n-nodes-thoughtly-test.testInput';

/** The node that feeds a test's items to the node under test. */
export const TEST_INPUT_NODE: INode = {
	id: 'node-test-input',
	name: 'Test Input',
	type: TEST_INPUT_TYPE,
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** The server's NodeTypes and CredentialTypes, over one package loaded from source. */
export class PackageTypes implements INodeTypes {
	readonly loader = new SourcePackageLoader();

	private readonly extraNodes = new Map<string, INodeType>([[TEST_INPUT_TYPE, new TestInput()]]);

	async load(): Promise<void> {
		await this.loader.loadAll();
	}

	/** Registers a node type that exists only in tests (full type name). */
	addNodeType(fullName: string, type: INodeType): void {
		this.extraNodes.set(fullName, type);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const extra = this.extraNodes.get(nodeType);
		if (extra) return extra;
		const [pkg, name] = splitType(nodeType);
		if (pkg !== this.loader.packageName) throw new UnexpectedError(`Unknown node type: ${nodeType}`);
		return this.loader.getNode(name).type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const [name, value] of Object.entries(this.loader.known.nodes)) {
			known[`${this.loader.packageName}.${name}`] = value as unknown as IDataObject;
		}
		return known;
	}

	recognizes(credentialType: string): boolean {
		return credentialType in this.loader.known.credentials;
	}

	getByNameCredential(credentialType: string): ICredentialType {
		return this.loader.getCredential(credentialType).type;
	}

	getSupportedNodes(type: string): string[] {
		return (this.loader.known.credentials[type]?.supportedNodes ?? []).map(
			(name) => `${this.loader.packageName}.${name}`,
		);
	}

	getParentTypes(typeName: string): string[] {
		const extendsArr = this.loader.known.credentials[typeName]?.extends ?? [];
		return extendsArr.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	/** ICredentialTypes' view of these types (its getByName means credential types). */
	get credentialTypes(): ICredentialTypes {
		return {
			recognizes: (type) => this.recognizes(type),
			getByName: (type) => this.getByNameCredential(type),
			getSupportedNodes: (type) => this.getSupportedNodes(type),
			getParentTypes: (type) => this.getParentTypes(type),
		};
	}
}

function splitType(fullName: string): [string, string] {
	const dot = fullName.lastIndexOf('.');
	return [fullName.slice(0, dot), fullName.slice(dot + 1)];
}

// ---------------------------------------------------------------------------------------------
// Credentials: encrypted storage and the server's CredentialsHelper behaviour
// ---------------------------------------------------------------------------------------------

interface StoredCredential {
	id: string;
	name: string;
	type: string;
	/** The encrypted data, as the server's credentials table holds it. */
	data: string;
}

const credentialResolverNode: INode = {
	id: 'credential-resolver',
	name: '',
	typeVersion: 1,
	type: TEST_INPUT_TYPE,
	position: [0, 0],
	parameters: {},
};

/**
 * An ICredentialsHelper as n8n's server implements it (n8n 2.40 `CredentialsHelper`), with an
 * in-memory table instead of the database: credentials are encrypted by n8n-core's
 * `Credentials`, decrypted on use, completed with their properties' defaults, their expressions
 * resolved, and `authenticate` applied by resolving the credential type's declarative
 * `authenticate` against `$credentials`.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	private readonly stored = new Map<string, StoredCredential>();

	private nextId = 1;

	constructor(private readonly types: PackageTypes) {
		super();
	}

	/** Saves credentials (encrypted) and returns what a workflow's node refers to them by. */
	async add(type: string, data: ICredentialDataDecryptedObject, name?: string): Promise<INodeCredentialsDetails> {
		const id = String(this.nextId++);
		const details = { id, name: name ?? `${type} ${id}` };
		const credentials = new Credentials(details, type);
		await credentials.setData(data);
		this.stored.set(id, { id, name: details.name, type, data: credentials.getDataToSave().data as string });
		return details;
	}

	/** The stored, encrypted text (tests check that secrets are not stored in the clear). */
	encryptedData(id: string): string | undefined {
		return this.stored.get(id)?.data;
	}

	getParentTypes(name: string): string[] {
		return this.types.getParentTypes(name);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		let typeDef: ICredentialType;
		try {
			typeDef = this.types.getByNameCredential(credentialType);
		} catch {
			return true;
		}
		if (!typeDef.restrictToSupportedNodes) return true;
		return this.types.getSupportedNodes(credentialType).includes(nodeType);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const credentialType = this.types.getByNameCredential(typeName);
		const { authenticate } = credentialType;
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!workflow || !node) {
			throw new UnexpectedError('Workflow and node are required for declarative credential authentication');
		}
		requestOptions.headers ??= {};
		if (authenticate.type === 'generic') {
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as IDataObject)) {
					const keyResolved = this.resolveValue(key, credentials, workflow, node);
					const valueResolved = this.resolveValue(value as string, credentials, workflow, node);
					const target = requestOptions as unknown as Record<string, IDataObject | undefined>;
					target[outerKey] ??= {};
					(target[outerKey] as IDataObject)[keyResolved] = valueResolved;
				}
			}
		}
		return requestOptions;
	}

	private resolveValue(
		parameterValue: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(parameterValue)) return parameterValue;
		const value = workflow.expression.getSimpleParameterValue(
			node,
			parameterValue,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return value ? String(value) : '';
	}

	/** Thoughtly's credential has no expiring token, so there is nothing to refresh first. */
	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.types.getByNameCredential(typeName);
		const expirable = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable) throw new UnexpectedError(`Pre-authentication of ${typeName} is not supported in tests`);
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.types.getByNameCredential(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		return (output as ICredentialDataDecryptedObject | undefined) ?? undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const stored = nodeCredentials.id ? this.stored.get(nodeCredentials.id) : undefined;
		if (!stored || stored.type !== type) {
			throw new UnexpectedError(`Credential with ID "${nodeCredentials.id}" of type "${type}" does not exist`);
		}
		return new Credentials({ id: stored.id, name: stored.name }, stored.type, stored.data);
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		const decrypted = await credentials.getData();
		if (raw === true) return decrypted;
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			decrypted,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** The server's `applyDefaultsAndOverwrites`, minus overwrites and external secrets. */
	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const properties = this.getCredentialsProperties(type);
		let decryptedData = NodeHelpers.getNodeParameters(
			properties,
			decryptedDataOriginal as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
				decryptedData as INodeParameters,
				expressionResolveValues.runExecutionData,
				expressionResolveValues.runIndex,
				expressionResolveValues.itemIndex,
				expressionResolveValues.node.name,
				expressionResolveValues.connectionInputData,
				mode,
				additionalKeys,
				executeData,
				false,
				decryptedData,
			) as ICredentialDataDecryptedObject;
		} else {
			const workflow = new Workflow({
				nodes: [credentialResolverNode],
				connections: {},
				active: false,
				nodeTypes: this.types,
			});
			decryptedData = workflow.expression.getComplexParameterValue(
				credentialResolverNode,
				decryptedData as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				decryptedData,
			) as ICredentialDataDecryptedObject;
		}
		return decryptedData;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		await credentials.setData(data);
		const stored = this.stored.get(nodeCredentials.id as string) as StoredCredential;
		stored.data = credentials.getDataToSave().data as string;
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		await credentials.updateData({ oauthTokenData: data.oauthTokenData });
		const stored = this.stored.get(nodeCredentials.id as string) as StoredCredential;
		stored.data = credentials.getDataToSave().data as string;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.types.getByNameCredential(type);
		if (!credentialType.extends) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}

// ---------------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------------

export interface AdditionalDataOptions {
	/** Base of production webhook URLs, e.g. `http://127.0.0.1:5678/` (a trailing slash is added). */
	webhookBaseUrl?: string;
	webhookTestBaseUrl?: string;
	executionId?: string;
	hooks?: ExecutionLifecycleHooks;
	currentNodeParameters?: INodeParameters;
}

export interface NodeUnderTest {
	/** Short (`thoughtly`) or full type name. */
	type: string;
	typeVersion?: number;
	name?: string;
	parameters: INodeParameters;
	credentials?: INode['credentials'];
	/** n8n's "Continue On Fail" (Settings → On Error → Continue). */
	continueOnFail?: boolean;
	/** Any On Error setting, e.g. `continueErrorOutput` (failed items go to a second output). */
	onError?: INode['onError'];
	/** n8n's "Retry On Fail" (default off). */
	retryOnFail?: boolean;
	/** With Retry On Fail: "Max. Tries" (n8n: 2 to 5, default 3). */
	maxTries?: number;
	/** With Retry On Fail: "Wait Between Tries (ms)" (n8n: 0 to 5000; 0 counts as the default 1000). */
	waitBetweenTries?: number;
}

export interface NodeRunResult {
	/** The node's first output, with paired items as the engine recorded them. */
	items: INodeExecutionData[];
	/** Every output of the node. */
	outputs: INodeExecutionData[][];
	/** The error the node failed with, when it failed. */
	error?: ExecutionError;
	/** The node's task data, as shown in n8n's execution view. */
	task: ITaskData;
	run: IRun;
}

export class N8nHarness {
	readonly types = new PackageTypes();

	readonly credentialsHelper = new TestCredentialsHelper(this.types);

	private executionCount = 0;

	/** Loads the package; call once (e.g. in beforeAll). */
	async init(): Promise<this> {
		prepareInstance();
		await this.types.load();
		return this;
	}

	/** Saves credentials, encrypted, and returns what a node's `credentials` refers to. */
	async addCredentials(
		type: string,
		data: ICredentialDataDecryptedObject,
		name?: string,
	): Promise<INodeCredentialsDetails> {
		return await this.credentialsHelper.add(type, data, name);
	}

	/** `additionalData` as n8n's server builds it for an execution (`getBase`). */
	additionalData(options: AdditionalDataOptions = {}): IWorkflowExecuteAdditionalData {
		const webhookBase = withSlash(options.webhookBaseUrl ?? 'http://127.0.0.1:5678/');
		const webhookTestBase = withSlash(options.webhookTestBaseUrl ?? webhookBase);
		const notAvailable = (what: string) => async () => {
			throw new UnexpectedError(`${what} is not available in these tests`);
		};
		return {
			currentNodeExecutionIndex: 0,
			credentialsHelper: this.credentialsHelper,
			hooks: options.hooks,
			executionId: options.executionId,
			executeWorkflow: notAvailable('Executing sub-workflows'),
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			startRunnerTask: notAvailable('The task runner'),
			logAiEvent: () => {},
			restApiUrl: `${webhookBase}rest`,
			instanceBaseUrl: webhookBase,
			formWaitingBaseUrl: `${webhookBase}form-waiting`,
			formBaseUrl: `${webhookBase}form`,
			formTestBaseUrl: `${webhookTestBase}form-test`,
			webhookBaseUrl: `${webhookBase}webhook`,
			webhookWaitingBaseUrl: `${webhookBase}webhook-waiting`,
			webhookTestBaseUrl: `${webhookTestBase}webhook-test`,
			mcpBaseUrl: `${webhookBase}mcp`,
			mcpTestBaseUrl: `${webhookTestBase}mcp-test`,
			currentNodeParameters: options.currentNodeParameters,
			variables: {},
			externalSecretsProxy: Container.get(ExternalSecretsProxy),
		};
	}

	/** A workflow over this package's node types. */
	workflow(params: {
		nodes: INode[];
		connections?: Workflow['connectionsBySourceNode'];
		id?: string;
		active?: boolean;
		staticData?: IDataObject;
		settings?: IWorkflowSettings;
	}): Workflow {
		return new Workflow({
			id: params.id ?? 'test-workflow',
			name: 'Test workflow',
			nodes: params.nodes,
			connections: params.connections ?? {},
			active: params.active ?? false,
			nodeTypes: this.types,
			staticData: params.staticData,
			settings: { executionOrder: 'v1', ...params.settings },
		});
	}

	/** Builds an INode for a node type of this package (or a test type, by full name). */
	node(spec: NodeUnderTest): INode {
		const type = nodeTypeName(spec.type);
		const nodeType = this.types.getByNameAndVersion(type, spec.typeVersion);
		const version = spec.typeVersion ?? latestVersion(nodeType.description.version);
		return {
			id: `node-${nodeType.description.name}`,
			name: spec.name ?? nodeType.description.defaults.name ?? nodeType.description.displayName,
			type,
			typeVersion: version,
			position: [200, 0],
			parameters: spec.parameters,
			credentials: spec.credentials,
			...(spec.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			...(spec.onError ? { onError: spec.onError } : {}),
			...(spec.retryOnFail ? { retryOnFail: true } : {}),
			...(spec.maxTries !== undefined ? { maxTries: spec.maxTries } : {}),
			...(spec.waitBetweenTries !== undefined ? { waitBetweenTries: spec.waitBetweenTries } : {}),
		};
	}

	/**
	 * Runs `Test Input → node` as a manual execution in `WorkflowExecute` and returns what the
	 * node produced. `input` are the items the node receives (one empty item by default).
	 */
	async runNode(
		spec: NodeUnderTest,
		input: Array<IDataObject | INodeExecutionData> = [{}],
		options: { mode?: WorkflowExecuteMode } = {},
	): Promise<NodeRunResult> {
		const start = TEST_INPUT_NODE;
		const node = this.node(spec);
		const connections = {
			[start.name]: { main: [[{ node: node.name, type: NodeConnectionTypes.Main, index: 0 }]] },
		};
		const workflow = this.workflow({ nodes: [start, node], connections });
		const items = input.map((entry) =>
			isExecutionData(entry) ? entry : ({ json: entry } as INodeExecutionData),
		);
		const run = await this.execute(workflow, start, items, options.mode ?? 'manual');
		const task = run.data.resultData.runData[node.name]?.[0];
		if (!task) {
			const error = run.data.resultData.error;
			throw new UnexpectedError(`The node did not run${error ? `: ${error.message}` : ''}`);
		}
		const outputs = (task.data?.main ?? []).map((output) => output ?? []);
		return { items: outputs[0] ?? [], outputs, error: task.error, task, run };
	}

	/** Executes a workflow from `start`, which receives `items`, as n8n's engine does. */
	async execute(
		workflow: Workflow,
		start: INode,
		items: INodeExecutionData[],
		mode: WorkflowExecuteMode = 'manual',
	): Promise<IRun> {
		const executionId = String(++this.executionCount);
		const workflowData: IWorkflowBase = {
			id: workflow.id,
			name: workflow.name ?? 'Test workflow',
			active: false,
			isArchived: false,
			activeVersionId: null,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes: Object.values(workflow.nodes),
			connections: workflow.connectionsBySourceNode,
			settings: workflow.settings,
		};
		const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
		const additionalData = this.additionalData({ executionId, hooks });
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: start, data: { main: [items] }, source: null }],
			},
		});
		const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
		return await workflowExecute.processRunExecutionData(workflow);
	}

	/**
	 * Runs a resource locator's list search as the editor asks for it (n8n server's
	 * `getResourceLocatorResults`: a temporary node with the current parameters, in a
	 * LoadOptionsContext).
	 */
	async listSearch(params: {
		type: string;
		method: string;
		credentials: INode['credentials'];
		parameters?: INodeParameters;
		path?: string;
		filter?: string;
		paginationToken?: string;
	}): Promise<INodeListSearchResult> {
		const type = nodeTypeName(params.type);
		const nodeType = this.types.getByNameAndVersion(type);
		const method = nodeType.methods?.listSearch?.[params.method];
		if (typeof method !== 'function') {
			throw new UnexpectedError(`${type} has no listSearch method "${params.method}"`);
		}
		const node: INode = {
			id: 'uuid-1234',
			name: 'Temp-Node',
			type,
			typeVersion: latestVersion(nodeType.description.version),
			position: [0, 0],
			parameters: params.parameters ?? {},
			credentials: params.credentials,
		};
		const workflow = this.workflow({ nodes: [node] });
		const additionalData = this.additionalData({ currentNodeParameters: node.parameters });
		const context = new LoadOptionsContext(workflow, node, additionalData, params.path ?? 'parameters');
		const result = await method.call(context, params.filter, params.paginationToken);
		const token = result?.paginationToken;
		return typeof token === 'number' ? { ...result, paginationToken: String(token) } : result;
	}

	/**
	 * Tests credentials as the n8n server's CredentialsTester does for a declarative `test`
	 * (`runRequestTest`): the request runs through RoutingNode in a temporary workflow, and a
	 * failing status is explained by the first matching rule.
	 */
	async testCredentials(type: string, data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
		const credentialType = this.types.getByNameCredential(type);
		const testRequest = credentialType.test;
		if (!testRequest) return { status: 'Error', message: 'No testing function found for this credential.' };

		const baseAdditionalData = this.additionalData();
		const credentialsDecrypted: ICredentialsDecrypted = {
			id: 'credential-under-test',
			name: 'Credential under test',
			type,
			data: await this.credentialsHelper.applyDefaultsAndOverwrites(baseAdditionalData, data, type, 'internal'),
		};

		const testNodeType: INodeType = {
			description: {
				displayName: 'Credential Test',
				name: 'credentialTest',
				group: ['transform'],
				version: 1,
				description: 'Runs a credential test request',
				defaults: { name: 'Credential Test' },
				inputs: [NodeConnectionTypes.Main],
				outputs: [NodeConnectionTypes.Main],
				credentials: [{ name: type, required: true }],
				properties: [
					{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testRequest.request }, default: '' },
				],
			},
		};
		const node: INode = {
			id: 'temp',
			parameters: {},
			name: 'Temp-Node',
			type: 'credentialTest',
			typeVersion: 1,
			position: [0, 0],
			credentials: { [type]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name } },
		};
		const nodeTypes: INodeTypes = {
			getByName: () => testNodeType,
			getByNameAndVersion: () => testNodeType,
			getKnownTypes: () => ({}),
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		const additionalData = this.additionalData({ currentNodeParameters: node.parameters });
		const executeData: IExecuteData = { node, data: {}, source: null };
		const context = new ExecuteContext(
			workflow,
			node,
			additionalData,
			'internal',
			createRunExecutionData(),
			0,
			[],
			{ main: [[{ json: {} }]] },
			executeData,
			[],
		);
		const routingNode = new RoutingNode(context, testNodeType, credentialsDecrypted);
		let response: INodeExecutionData[][] | undefined;
		try {
			response = await routingNode.runNode();
		} catch (error) {
			const cause = (error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }).cause;
			if (cause?.response) {
				const statusCode = cause.response.status;
				for (const rule of testRequest.rules ?? []) {
					if (rule.type === 'responseCode' && rule.properties.value === statusCode) {
						return { status: 'Error', message: rule.properties.message };
					}
				}
				if (statusCode < 199 || statusCode > 299) {
					return {
						status: 'Error',
						message: cause.response.statusText || `Received HTTP status code: ${statusCode}`,
					};
				}
			} else if (cause?.code) {
				return { status: 'Error', message: cause.code };
			}
			return { status: 'Error', message: String((error as Error).message) };
		}
		for (const rule of testRequest.rules ?? []) {
			if (rule.type === 'responseSuccessBody') {
				const body = response?.[0]?.[0]?.json ?? {};
				if (getPath(body, rule.properties.key) === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
		}
		return { status: 'OK', message: 'Connection successful!' };
	}

	/**
	 * A HookContext for a node's webhook methods (`checkExists` / `create` / `delete`), as n8n's
	 * server builds one when it activates or deactivates a workflow.
	 */
	hookContext(params: {
		workflow: Workflow;
		node: INode;
		webhookData?: IWebhookData;
		mode?: WorkflowExecuteMode;
		activation?: WorkflowActivateMode;
		additionalData?: IWorkflowExecuteAdditionalData;
	}): HookContext {
		return new HookContext(
			params.workflow,
			params.node,
			params.additionalData ?? this.additionalData(),
			params.mode ?? 'trigger',
			params.activation ?? 'activate',
			params.webhookData,
		);
	}
}

/** Loads this package into a fresh harness. */
export async function startN8n(): Promise<N8nHarness> {
	return await new N8nHarness().init();
}

function withSlash(url: string): string {
	return url.endsWith('/') ? url : `${url}/`;
}

function latestVersion(version: number | number[]): number {
	return Array.isArray(version) ? version[version.length - 1] : version;
}

function isExecutionData(entry: IDataObject | INodeExecutionData): entry is INodeExecutionData {
	return typeof entry.json === 'object' && entry.json !== null && !Array.isArray(entry.json);
}

function getPath(value: unknown, key: string): unknown {
	return key.split('.').reduce<unknown>((current, part) => (current as IDataObject | undefined)?.[part], value);
}
