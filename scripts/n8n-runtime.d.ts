/** Types for scripts/n8n-runtime.js, so the TypeScript harness can use it. */

/** The Node an n8n runs on: the one running the script, or a registry package to fetch. */
export type NodeChoice =
	| { source: 'system'; version: string; bin: string }
	/** `bin` is the binary's path inside the package. */
	| { source: 'download'; version: string; packageName: string; bin: string };

export interface RuntimePaths {
	root: string;
	node: NodeChoice;
	/** The Node's folder (its prefix; for the system Node, the folder above its bin/). */
	nodeDir: string;
	nodeBin: string;
	n8nDir: string;
	n8nBin: string;
	n8nVersion: string;
	nodeVersion: string;
}

export interface RuntimeOptions {
	/** Default: `--n8n-version`, else THOUGHTLY_N8N_VERSION, else DEFAULT_N8N_VERSION. */
	n8nVersion?: string;
}

export const DEFAULT_N8N_VERSION: string;

export const NODE_PACKAGES: Record<string, { name: string; versions: Record<number, string> }>;

/** The n8n version asked for: the argument, else `--n8n-version`, else THOUGHTLY_N8N_VERSION, else the default. */
export function requestedN8nVersion(n8nVersion?: string): string;

export function chooseNode(options: {
	n8nVersion: string;
	platform: string;
	arch: string;
	system: { version: string; execPath: string };
}): NodeChoice;

/** The package.json of the folder n8n is installed into. */
export function runtimePackageJson(n8nVersion: string): { name: string; private: boolean; overrides?: Record<string, string> };

/** Where the runtime lives (or will live); installs nothing. */
export function runtimePaths(options?: RuntimeOptions): RuntimePaths;

/** Installs Node (unless the system's is used) and n8n into the cache folder unless already there; prints progress every 30 s. */
export function ensureRuntimeAsync(options?: RuntimeOptions): Promise<RuntimePaths>;

/** True when the runtime's Node and n8n are fully installed. */
export function runtimeInstalled(paths?: RuntimePaths): boolean;
