import type { INodeProperties } from 'n8n-workflow';

import * as agent from './agent/Agent.resource';
import * as automation from './automation/Automation.resource';
import * as call from './call/Call.resource';
import * as contact from './contact/Contact.resource';
import type { ThoughtlyOperation } from './node.type';
import * as user from './user/User.resource';
import * as webhook from './webhook/Webhook.resource';

/** A resource's module (`X.resource.ts`): its fields, and its operations by their values. */
interface ResourceModule {
	description: INodeProperties[];
	[operation: string]: ThoughtlyOperation | INodeProperties[];
}

/**
 * The node's resources, as the Resource field lists them: the name the UI shows, and the module
 * with the resource's operations. Adding a resource is adding it here; the Resource field, the
 * router and the types in node.type.ts follow.
 */
export const resources = {
	agent: { displayName: 'Agent', module: agent },
	automation: { displayName: 'Automation', module: automation },
	call: { displayName: 'Call', module: call },
	contact: { displayName: 'Contact', module: contact },
	user: { displayName: 'User', module: user },
	webhook: { displayName: 'Webhook', module: webhook },
} satisfies Record<string, { displayName: string; module: ResourceModule }>;

type ThoughtlyResource = keyof typeof resources;

/** The operation a node's parameters name, if the resource has one by that value. */
export function operationOf(resource: string, operation: string): ThoughtlyOperation | undefined {
	if (!Object.hasOwn(resources, resource)) return undefined;
	const module: ResourceModule = resources[resource as ThoughtlyResource].module;
	const found = Object.hasOwn(module, operation) ? module[operation] : undefined;
	return found && !Array.isArray(found) && typeof found.execute === 'function' ? found : undefined;
}
