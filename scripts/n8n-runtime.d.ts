/** Types for scripts/n8n-runtime.js, so the TypeScript harness can use it. */
export interface RuntimePaths {
	root: string;
	nodeDir: string;
	nodeBin: string;
	n8nDir: string;
	n8nBin: string;
	n8nVersion: string;
	nodeVersion: string;
}

/** Where the runtime lives (or will live); installs nothing. */
export function runtimePaths(): RuntimePaths;

/** Installs Node 24 and n8n into the cache folder unless already there; returns the paths. */
export function ensureRuntime(): RuntimePaths;

/** Like ensureRuntime, but prints progress every 30 s while installing. */
export function ensureRuntimeAsync(): Promise<RuntimePaths>;

/** True when both Node and n8n are fully installed in the cache folder. */
export function runtimeInstalled(): boolean;
