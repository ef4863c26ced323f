/**
 * The credential's declarative test, run the way n8n's CredentialsTester runs it (RoutingNode in
 * a temporary workflow), against the simulator.
 */
import { SEED } from '../../simulator';
import { useThoughtly } from './fixture';

const t = useThoughtly();

const test401 =
	'Thoughtly did not accept this API token and team ID (401 Unauthorized). Copy both again from Settings → Developer in the Thoughtly dashboard.';

describe('credential test', () => {
	it('passes with a good token, asking GET /user with both headers', async () => {
		const result = await t.n8n.testCredentials('thoughtlyApi', {
			apiToken: SEED.apiToken,
			teamId: SEED.teamId,
			baseUrl: t.sim.url,
		});

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		const requests = t.sim.requests();
		expect(requests.map((r) => [r.method, r.path, r.status])).toEqual([['GET', '/user', 200]]);
		expect(requests[0].headers).toMatchObject({ 'x-api-token': SEED.apiToken, team_id: SEED.teamId });
	});

	it('fails with the 401 text for a wrong token', async () => {
		const result = await t.n8n.testCredentials('thoughtlyApi', {
			apiToken: 'tk_wrong',
			teamId: SEED.teamId,
			baseUrl: t.sim.url,
		});
		expect(result).toEqual({ status: 'Error', message: test401 });
		// n8n's request helper sends a request refused with 401 once more (its pre-authentication retry).
		expect(t.sim.requests().map((r) => [r.path, r.status])).toEqual([
			['/user', 401],
			['/user', 401],
		]);
	});

	it("fails with the 401 text for a team ID that is not the token's", async () => {
		const result = await t.n8n.testCredentials('thoughtlyApi', {
			apiToken: SEED.apiToken,
			teamId: SEED.otherTeam.teamId,
			baseUrl: t.sim.url,
		});
		expect(result).toEqual({ status: 'Error', message: test401 });
	});

	it('fails with the 404 text when the base URL does not lead to the API', async () => {
		const result = await t.n8n.testCredentials('thoughtlyApi', {
			apiToken: SEED.apiToken,
			teamId: SEED.teamId,
			baseUrl: `${t.sim.url}/v2`,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^The Base URL does not lead to the Thoughtly API \(404 Not Found on \/user\)/);
		expect(t.sim.requests().map((r) => r.path)).toEqual(['/v2/user']);
	});

	it('fails on a 200 whose envelope carries an error', async () => {
		t.sim.injectFault({ kind: 'envelope-error', path: '/user' });
		const result = await t.n8n.testCredentials('thoughtlyApi', {
			apiToken: SEED.apiToken,
			teamId: SEED.teamId,
			baseUrl: t.sim.url,
		});
		expect(t.sim.requests().map((r) => [r.path, r.status])).toEqual([['/user', 200]]);
		expect(result).toEqual({
			status: 'Error',
			message:
				'Thoughtly answered, but reported an error instead of the user (HTTP 200 with an error in the response). Check the API token and team ID.',
		});
	});

	it('passes with a trailing slash on the base URL', async () => {
		const result = await t.n8n.testCredentials('thoughtlyApi', {
			apiToken: SEED.apiToken,
			teamId: SEED.teamId,
			baseUrl: `${t.sim.url}/`,
		});
		expect(result.status).toBe('OK');
	});
});
