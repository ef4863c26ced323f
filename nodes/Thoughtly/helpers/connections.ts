import type { NodeConnectionType } from 'n8n-workflow';

/**
 * The main connection, the value of n8n-workflow's `NodeConnectionTypes.Main`. Not that object
 * itself: it exists only from n8n-workflow 1.83 (n8n 1.85), and an older n8n skips a package
 * whose nodes use it. The type still makes TypeScript check the value.
 */
export const MAIN_CONNECTION: NodeConnectionType = 'main';
