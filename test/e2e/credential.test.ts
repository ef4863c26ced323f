/**
 * n8n's own credential test (the "Test" button; POST /rest/credentials/test) against the simulator.
 */
import { CREDENTIAL_TYPE, n8nAtLeast, n8nMajor, shared, simulatorCredentialData, type Shared } from './harness/suite';

let ctx: Shared;

beforeAll(async () => {
	ctx = await shared();
});

beforeEach(async () => {
	await ctx.sim.reset();
});

describe("n8n's credential test", () => {
	it('passes for the simulator credential saved in n8n, sending both headers to GET /user', async () => {
		const result = await ctx.n8n.testCredential(CREDENTIAL_TYPE, simulatorCredentialData(ctx.state), ctx.credential);
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });

		const requests = await ctx.sim.requests();
		expect(requests).toHaveLength(1);
		expect(requests[0]).toMatchObject({ method: 'GET', path: '/user' });
		expect(requests[0].headers['x-api-token']).toBe(ctx.state.apiToken);
		expect(requests[0].headers.team_id).toBe(ctx.state.teamId);
	});

	// n8n's credential test can show only a fixed text per status for a declarative test, and a
	// test function would need the `request` helper that n8n's package scanner rejects, so the
	// credential explains Thoughtly's 401 in its own words.
	it("fails for a wrong API token with the credential's explanation of Thoughtly's 401", async () => {
		const result = await ctx.n8n.testCredential(CREDENTIAL_TYPE, {
			...simulatorCredentialData(ctx.state),
			apiToken: 'tk_wrong_token',
		});
		// n8n's server sends a request that got 401 once more after its credential pre-authentication
		// hook (n8n-core's httpRequestWithAuthentication), so GET /user may arrive twice.
		const requests = await ctx.sim.requests();
		expect(requests.length).toBeGreaterThanOrEqual(1);
		for (const request of requests) {
			expect(request).toMatchObject({ method: 'GET', path: '/user', status: 401 });
			expect(request.headers['x-api-token']).toBe('tk_wrong_token');
		}
		// Later n8n 1.x (1.123) does not reach the credential's rules here (the error its
		// RoutingNode throws carries no response) and shows its own text for a 401; 1.49 and
		// 2.x show the credential's.
		const ours =
			'Thoughtly did not accept this API token and team ID (401 Unauthorized). Copy both again from Settings → Developer in the Thoughtly dashboard.';
		expect(result).toEqual({
			status: 'Error',
			message: n8nMajor() === 1 && n8nAtLeast('1.123.0') ? 'Authorization failed - please check your credentials' : ours,
		});
	});

	it('fails for a team ID that does not belong to the token', async () => {
		const result = await ctx.n8n.testCredential(CREDENTIAL_TYPE, {
			...simulatorCredentialData(ctx.state),
			teamId: 'team_sim_two',
		});
		expect(result.status).toBe('Error');
		const requests = await ctx.sim.requests();
		expect(requests[0].headers.team_id).toBe('team_sim_two');
	});
});
