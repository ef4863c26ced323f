import type { ThoughtlyContext } from '../../../transport';
import type { Subscription } from '../../../../ThoughtlyTrigger/subscriptions';
import { listSubscriptions, removeExpiredWaits } from '../../../../ThoughtlyTrigger/subscriptions';

/**
 * Lists the team's subscriptions and removes the Call-and-Wait ones on this n8n whose wait is
 * over (see removeExpiredWaits). Answers the subscriptions that are left.
 */
export async function sweepExpiredWaits(this: ThoughtlyContext, ownUrl: string): Promise<Subscription[]> {
	return await removeExpiredWaits.call(this, await listSubscriptions.call(this), ownUrl);
}
