/**
 * The canvas subtitle under each node, computed as n8n's editor computes it: the node type's
 * `subtitle` expression resolved for the node's parameters (`getSimpleParameterValue`). It uses
 * the words of the UI, never Thoughtly's API names.
 */
import type { INode, INodeParameters } from 'n8n-workflow';

import type { N8nHarness } from '../../helpers/n8n';
import { startN8n } from '../../helpers/n8n';

let n8n: N8nHarness;
beforeAll(async () => {
	n8n = await startN8n();
});

function subtitleOf(type: string, parameters: INodeParameters): unknown {
	const node: INode = n8n.node({ type, parameters });
	const nodeType = n8n.types.getByNameAndVersion(node.type);
	const workflow = n8n.workflow({ nodes: [node] });
	const subtitle = nodeType.description.subtitle;
	if (subtitle === undefined) return undefined;
	return workflow.expression.getSimpleParameterValue(node, subtitle, 'internal', {});
}

describe('Thoughtly Trigger', () => {
	it('names the chosen events as the UI does', () => {
		expect(subtitleOf('thoughtlyTrigger', { events: ['NEW_RESPONSE', 'ACTION_FAILED'] })).toBe(
			'Call Completed, Action Failed',
		);
		expect(
			subtitleOf('thoughtlyTrigger', {
				events: ['PHONE_TRANSFER', 'FOLDER_NEW_RESPONSE', 'FOLDER_PHONE_TRANSFER'],
			}),
		).toBe('Call Transferred, Call Completed in Folder, Call Transferred in Folder');
	});

	it('is empty before an event is chosen', () => {
		expect(subtitleOf('thoughtlyTrigger', { events: [] })).toBe('');
	});
});

describe('Thoughtly', () => {
	it.each([
		['contact', 'call', 'Call: Contact'],
		['contact', 'getMany', 'Get Many: Contact'],
		['call', 'getMany', 'Get Many: Call'],
		['agent', 'getMany', 'Get Many: Agent'],
		['automation', 'trigger', 'Trigger: Automation'],
		['webhook', 'unsubscribe', 'Unsubscribe: Webhook'],
		['user', 'get', 'Get: User'],
	])('%s → %s reads "%s"', (resource, operation, expected) => {
		expect(subtitleOf('thoughtly', { resource, operation })).toBe(expected);
	});
});
