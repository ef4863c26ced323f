/** The simulator's copy of the spec, and how it reads it. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { SPEC_FILE, loadSpec } from './spec';

const SHARED_SPEC = resolve(__dirname, '../../../shared/thoughtly/openapi.yml');

describe('spec/openapi.yml', () => {
	(existsSync(SHARED_SPEC) ? test : test.skip)('is an unmodified copy of ../shared/thoughtly/openapi.yml', () => {
		expect(readFileSync(SPEC_FILE, 'utf8')).toBe(readFileSync(SHARED_SPEC, 'utf8'));
	});

	test('describes the twelve operations the simulator serves', () => {
		const spec = loadSpec();
		expect(spec.operations.map((op) => `${op.method} ${op.path}`).sort()).toEqual(
			[
				'GET /interview',
				'GET /interview/{interview_id}/responses',
				'GET /contact',
				'POST /contact/create',
				'GET /contact/{id}',
				'DELETE /contact/{id}',
				'POST /contact/call',
				'GET /user',
				'GET /webhooks',
				'POST /webhooks/subscribe',
				'DELETE /webhooks/unsubscribe',
				'POST /webhook/automation/{automation_id}',
			].sort(),
		);
		expect(spec.operations.filter((op) => !op.authenticated).map((op) => op.operationId)).toEqual(['triggerAutomation']);
	});

	test('subscribe takes all five event types (the one deliberate deviation), unsubscribe is as written', () => {
		const spec = loadSpec();
		const five = ['NEW_RESPONSE', 'PHONE_TRANSFER', 'FOLDER_NEW_RESPONSE', 'FOLDER_PHONE_TRANSFER', 'ACTION_FAILED'];
		expect(spec.schema('WebhookSubscribeRequest').properties!.type.enum).toEqual(five);
		expect(spec.schema('WebhookUnsubscribeRequest').properties!.type.enum).toEqual(five);
		expect(spec.schema('WebhookUnsubscribeRequest').additionalProperties).toBe(false);
		expect(spec.schema('WebhookUnsubscribeRequest').properties!.data.nullable).toBeUndefined();
	});

	test('routes literal paths before templated ones', () => {
		const spec = loadSpec();
		const call = spec.match('POST', '/contact/call');
		expect(call.kind === 'operation' && call.operation.operationId).toBe('callContact');
		const get = spec.match('GET', '/contact/cnt_1');
		expect(get.kind === 'operation' && get.operation.operationId).toBe('getContact');
		expect(get.kind === 'operation' && get.params).toEqual({ id: 'cnt_1' });
		expect(spec.match('PATCH', '/contact/cnt_1')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'DELETE'] });
		expect(spec.match('GET', '/nothing')).toEqual({ kind: 'not-found' });
	});
});
