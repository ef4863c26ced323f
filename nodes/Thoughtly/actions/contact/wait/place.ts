import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ThoughtlyCredentials, ThoughtlyRequest } from '../../../transport';
import { THOUGHTLY_CREDENTIAL, thoughtlyApiRequest } from '../../../transport';
import { normalizeBaseUrl } from '../../../transport/send';
import { assertThoughtlyCanReach } from '../../../../ThoughtlyTrigger/reachability';
import type { Subscription } from '../../../../ThoughtlyTrigger/subscriptions';
import { listSubscriptions, removeExpiredWaits, subscribe, unsubscribe } from '../../../../ThoughtlyTrigger/subscriptions';
import type { PlacedCall } from './outcome';
import { isAwaited } from './outcome';
import { CORRELATION_FIELD, itemKey, newRunKey, waitUrl } from './waitUrl';

export const MAX_WAIT_MINUTES = 24 * 60;

/**
 * What one run of the node (one run index of one execution) shares across its items, kept in
 * the node's execution context, which every try of Retry On Fail shares: the same keys and
 * limit on every try, so a call already placed is recognised (see SentItems) and not placed again.
 */
interface WaitRun extends IDataObject {
	runKey: string;
	until: number;
	resumeUrl: string;
	/** Whether the reachability check and the sweep of expired waits were done. */
	ready: boolean;
	/** Whether a failed try removed the subscriptions (a Retry On Fail then makes them again). */
	abandoned: boolean;
	/** The agent of each item whose call was placed. */
	placed: { [itemIndex: string]: string };
}

const CONTEXT_KEY = 'thoughtlyCallAndWait';

async function runOf(this: IExecuteFunctions): Promise<WaitRun> {
	const context = this.getContext('node');
	const runIndex = String(this.getWorkflowDataProxy(0).$runIndex);
	const runs = (context[CONTEXT_KEY] ??= {}) as { [runIndex: string]: WaitRun };
	if (!runs[runIndex]) {
		const minutes = Math.min(Math.max(Number(this.getNodeParameter('limitWaitTime', 0, 30)), 1), MAX_WAIT_MINUTES);
		const { apiToken } = await this.getCredentials<ThoughtlyCredentials>(THOUGHTLY_CREDENTIAL);
		runs[runIndex] = {
			runKey: newRunKey(apiToken, this.getExecutionId()),
			until: Date.now() + minutes * 60_000,
			resumeUrl: String(this.evaluateExpression('{{ $execution.resumeUrl }}', 0)),
			ready: false,
			abandoned: false,
			placed: {},
		};
	}
	return runs[runIndex];
}

/** Before the first request of a run: can Thoughtly reach n8n, and expired waits removed. */
async function readyRun(this: IExecuteFunctions): Promise<WaitRun> {
	const run = await runOf.call(this);
	if (run.ready) return run;
	const credentials = await this.getCredentials<ThoughtlyCredentials>(THOUGHTLY_CREDENTIAL);
	assertThoughtlyCanReach.call(this, run.resumeUrl, normalizeBaseUrl(credentials.baseUrl));
	await removeExpiredWaits.call(this, await listSubscriptions.call(this), run.resumeUrl);
	run.ready = true;
	return run;
}

function subscriptionOf(this: IExecuteFunctions, run: WaitRun, itemIndex: number, agentId: string): Subscription {
	const url = waitUrl(run.resumeUrl, this.getNode().id, itemKey(run.runKey, itemIndex), run.until);
	return { type: 'NEW_RESPONSE', url, data: agentId };
}

/** The call's request, with the item's correlation key in its metadata. Sends nothing. */
export async function awaitedCallRequest(
	this: IExecuteFunctions,
	itemIndex: number,
	call: { contactId: string; agentId: string; metadata?: IDataObject },
): Promise<ThoughtlyRequest> {
	if (call.metadata && CORRELATION_FIELD in call.metadata) {
		throw new NodeOperationError(this.getNode(), `Metadata must not contain "${CORRELATION_FIELD}" [item ${itemIndex}]`, {
			description: 'Wait for Call to End puts its own value under this name. Rename the field.',
			itemIndex,
		});
	}
	const metadata = { ...call.metadata, [CORRELATION_FIELD]: itemKey((await runOf.call(this)).runKey, itemIndex) };
	const body: IDataObject = { contact_id: call.contactId, interview_id: call.agentId, metadata };
	return { method: 'POST', endpoint: '/contact/call', body, itemIndex };
}

/**
 * Subscribes Call Completed for the agent with this execution's resume URL, then places the call
 * (the subscription comes first, so even a call that ends at once is delivered). A call that
 * could not be placed leaves no subscription behind.
 */
export async function placeCallToAwait(
	this: IExecuteFunctions,
	itemIndex: number,
	request: ThoughtlyRequest,
): Promise<PlacedCall> {
	const run = await readyRun.call(this);
	const { contact_id: contactId, interview_id: agentId } = request.body as { contact_id: string; interview_id: string };
	const subscription = subscriptionOf.call(this, run, itemIndex, agentId);
	await subscribe.call(this, subscription);

	let data: unknown;
	let callPlaced = false;
	try {
		data = await thoughtlyApiRequest.call(this, request);
		callPlaced = true;
	} finally {
		if (!callPlaced) await unsubscribe.call(this, subscription);
	}
	run.placed[String(itemIndex)] = agentId;
	const callId = (data as IDataObject | null)?.call_id;
	return {
		status: 'timedOut',
		callEnded: false,
		callId: typeof callId === 'string' ? callId : null,
		agentId,
		contactId,
	};
}

/**
 * Puts the execution to wait until the last call ended or the limit passed. At the limit n8n
 * resumes the execution without running the node: the node passes on the items it was given
 * then. Those are set here to the "timedOut" items, so that is what a time-out outputs.
 */
export async function waitForCalls(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	if (!items.some((item) => isAwaited(item.json))) return [items];
	const run = await readyRun.call(this);
	if (run.abandoned) {
		// A Retry On Fail after a failed try: the calls placed then are not placed again, but
		// their subscriptions were removed, so they are made again (Thoughtly keeps one of each).
		for (const [index, item] of items.entries()) {
			if (isAwaited(item.json)) await subscribe.call(this, subscriptionOf.call(this, run, index, item.json.agentId));
		}
		run.abandoned = false;
	}
	this.getExecuteData().data = { main: [items] };
	await this.putExecutionToWait(new Date(run.until));
	return [items];
}

/**
 * Removes the subscriptions of the calls this run placed, when the node fails: nothing will wait
 * for them, unless Retry On Fail runs the node again (see waitForCalls).
 */
export async function abandonWait(this: IExecuteFunctions): Promise<void> {
	const run = await runOf.call(this);
	for (const [itemIndex, agentId] of Object.entries(run.placed)) {
		await unsubscribe.call(this, subscriptionOf.call(this, run, Number(itemIndex), agentId));
	}
	run.abandoned = true;
}
