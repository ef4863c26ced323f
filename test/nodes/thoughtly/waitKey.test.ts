/**
 * The key that ties a Call Completed delivery to the waiting execution that placed the call:
 * only a key made with the credential's token for that very execution is accepted.
 */
import { itemKey, newRunKey, ownItemIndex } from '../../../nodes/Thoughtly/actions/contact/wait/waitUrl';

describe('Call and Wait key', () => {
	const token = 'tok_live_1';
	const runKey = newRunKey(token, '41');

	it('gives back the item index of a key made for this execution with this token', () => {
		expect(ownItemIndex(itemKey(runKey, 0), token, '41')).toBe(0);
		expect(ownItemIndex(itemKey(runKey, 17), token, '41')).toBe(17);
	});

	it('refuses the same key for another execution, or under another token', () => {
		expect(ownItemIndex(itemKey(runKey, 0), token, '42')).toBeUndefined();
		expect(ownItemIndex(itemKey(runKey, 0), 'tok_other', '41')).toBeUndefined();
	});

	it('refuses invented, altered and malformed keys', () => {
		const flipped = runKey.slice(0, -1) + (runKey.endsWith('0') ? '1' : '0');
		for (const key of [itemKey(flipped, 0), itemKey('0'.repeat(56), 0), `${runKey}.`, `${runKey}.-1`, runKey, `${runKey.toUpperCase()}.0`, '']) {
			expect(ownItemIndex(key, token, '41')).toBeUndefined();
		}
	});

	it('makes a new key each run', () => {
		expect(newRunKey(token, '41')).not.toBe(runKey);
	});
});
