import type {
	IDataObject,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { pathId } from '../../../helpers/parameters';
import type { ThoughtlyCredentials } from '../../../transport';
import { MAX_PAGE_SIZE, THOUGHTLY_CREDENTIAL, thoughtlyApiRequestPage } from '../../../transport';
import { listSubscriptions, unsubscribe } from '../../../../ThoughtlyTrigger/subscriptions';
import { correlationKeyOf, endedCall, endedCallFromRecord, isAwaited } from './outcome';
import { ownItemIndex, readWaitUrl, sameWait, WAIT_KEY_PARAMETER, WAIT_UNTIL_PARAMETER, waitUrl } from './waitUrl';

/**
 * Contact → Call with Wait for Call to End: n8n resumes the waiting execution through this
 * webhook (`…/webhook-waiting/<execution>/<node ID>`), as its own send-and-wait nodes do. A
 * restart webhook is only reachable while the execution waits; n8n never registers it otherwise.
 */
export const callEndedWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

/** How far back the agent's calls are read for calls that ended before the last one. */
const MAX_RECORD_PAGES = 10;

const IGNORED: IDataObject = { received: true };

/**
 * A Call Completed delivery to a waiting execution. n8n 2.x has checked its resume token already
 * (401 otherwise); the node checks its own key (see newRunKey) on every version. n8n stores nothing a waiting webhook does unless it resumes the execution, so
 * the calls still awaited are the execution's subscriptions Thoughtly still holds: each call's
 * own is removed when its delivery arrives, and the execution resumes when none is left.
 * Deliveries of other calls of the same agent are answered and change nothing.
 */
export async function callEndedWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const query = this.getQueryData() as IDataObject;
	const key = query[WAIT_KEY_PARAMETER];
	const until = Number(query[WAIT_UNTIL_PARAMETER]);
	const body = this.getBodyData();
	if (typeof key !== 'string' || !Number.isFinite(until) || correlationKeyOf(body) !== key) {
		return { webhookResponse: IGNORED };
	}
	const { apiToken } = await this.getCredentials<ThoughtlyCredentials>(THOUGHTLY_CREDENTIAL);
	const itemIndex = ownItemIndex(key, apiToken, String(this.evaluateExpression('{{ $execution.id }}', 0)));
	if (itemIndex === undefined) return { webhookResponse: IGNORED };

	// The items the node prepared when it started waiting, one per input item (n8n keeps them).
	const items = (this.evaluateExpression('{{ $input.all() }}', 0) as INodeExecutionData[]).map((item) => item.json);
	const placed = items[itemIndex];
	if (!placed || !isAwaited(placed)) return { webhookResponse: IGNORED };

	const resumeUrl = String(this.evaluateExpression('{{ $execution.resumeUrl }}', 0));
	const ownUrl = waitUrl(resumeUrl, this.getNode().id, key, until);
	await unsubscribe.call(this, { type: 'NEW_RESPONSE', url: ownUrl, data: placed.agentId });
	const own = new URL(ownUrl);
	const stillAwaited = (await listSubscriptions.call(this)).some((s) => {
		const wait = readWaitUrl(s.url);
		return wait !== undefined && sameWait(wait.url, own);
	});
	if (stillAwaited) return { webhookResponse: IGNORED };

	const simplify = this.getNodeParameter('simplify', true) as boolean;
	const earlier = await earlierCalls.call(this, items, itemIndex, simplify);
	const output = items.map((json, index): INodeExecutionData => {
		let result = json;
		if (index === itemIndex) result = endedCall(body, simplify);
		else if (isAwaited(json)) result = earlier.get(index) ?? { ...json, status: 'ended', callEnded: true };
		return { json: result, pairedItem: { item: index } };
	});
	return { webhookResponse: IGNORED, workflowData: [output] };
}

/**
 * The outcomes of the calls that ended before this one. Their deliveries came while others were
 * still awaited, and n8n could keep nothing of them, so they are read back from Thoughtly: the
 * agent's calls, newest first, until every awaited call is found.
 */
async function earlierCalls(
	this: IWebhookFunctions,
	items: IDataObject[],
	lastIndex: number,
	simplify: boolean,
): Promise<Map<number, IDataObject>> {
	const found = new Map<number, IDataObject>();
	const wanted = new Map<string, number>();
	const agents = new Set<string>();
	items.forEach((json, index) => {
		if (index === lastIndex || !isAwaited(json) || !json.callId) return;
		wanted.set(json.callId, index);
		agents.add(json.agentId);
	});
	for (const agentId of agents) {
		for (let page = 0; page < MAX_RECORD_PAGES && found.size < wanted.size; page++) {
			const { records } = await thoughtlyApiRequestPage.call(this, {
				endpoint: `/interview/${pathId(agentId)}/responses`,
				listKey: 'responses',
				page,
				pageSize: MAX_PAGE_SIZE,
			});
			for (const record of records) {
				const index = typeof record.id === 'string' ? wanted.get(record.id) : undefined;
				if (index !== undefined) found.set(index, endedCallFromRecord(record, simplify));
			}
			if (records.length < MAX_PAGE_SIZE) break;
		}
	}
	return found;
}
