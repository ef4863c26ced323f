import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * n8n's Retry On Fail runs a node again, every item again, when it throws or when its first
 * output item is an error, which Continue On Fail produces (n8n-core 2.40, `WorkflowExecute`).
 * For requests that must not be sent twice (creating a contact, placing a call, subscribing,
 * starting an automation), this remembers within one execution which items' requests already
 * succeeded and what Thoughtly answered, so that a re-run gives the earlier answer instead of
 * sending again.
 *
 * It is kept in the execution's context data for this node, which every try of the node shares,
 * and holds one run of the node: a node in a loop runs again with other items (another run index)
 * and starts afresh. An item counts as sent only for the same request: changed input sends again.
 */
export class SentItems {
	private constructor(private readonly ledger: Ledger) {}

	/**
	 * The items already sent in this run of the node, or undefined when Retry On Fail is off (the
	 * node then runs once per run, and there is nothing to remember).
	 */
	static of(context: IExecuteFunctions): SentItems | undefined {
		if (context.getNode().retryOnFail !== true) return undefined;
		const store = context.getContext('node');
		const run = Number(context.getWorkflowDataProxy(0).$runIndex);
		let ledger = store[LEDGER_KEY] as Ledger | undefined;
		if (!ledger || ledger.run !== run) {
			ledger = { run, items: {} };
			store[LEDGER_KEY] = ledger;
		}
		return new SentItems(ledger);
	}

	/** What Thoughtly answered when this item's request was sent earlier in this run, if it was. */
	private earlier(itemIndex: number, request: unknown): IDataObject | undefined {
		const entry = this.ledger.items[itemIndex];
		return entry && entry.request === JSON.stringify(request) ? entry.result : undefined;
	}

	/** Sends this item's request, unless it already succeeded in this run: then its earlier answer. */
	async once(itemIndex: number, request: unknown, send: () => Promise<IDataObject>): Promise<IDataObject> {
		const earlier = this.earlier(itemIndex, request);
		if (earlier) return earlier;
		const result = await send();
		this.ledger.items[itemIndex] = { request: JSON.stringify(request), result };
		return result;
	}

	/** The node finished and n8n will not run it again: nothing needs remembering any more. */
	forget(): void {
		this.ledger.items = {};
	}
}

/**
 * Sends one item's request that must not be sent twice, unless the same request for this item
 * already succeeded earlier in this execution: then it gives that earlier answer. Wrap only the
 * request itself (an operation that goes on to wait for something after it must not repeat the
 * request when only the waiting failed).
 */
export async function sendOnce(
	context: IExecuteFunctions,
	itemIndex: number,
	request: unknown,
	send: () => Promise<IDataObject>,
): Promise<IDataObject> {
	const sent = SentItems.of(context);
	return sent ? await sent.once(itemIndex, request, send) : await send();
}

const LEDGER_KEY = 'thoughtlySentItems';

interface Ledger {
	run: number;
	items: Record<number, { request: string; result: IDataObject }>;
}
