import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/** What a failed credential test tells the user (see `test` below). */
const testRules: Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> = [
	{
		type: 'responseCode',
		properties: {
			value: 401,
			message:
				'Thoughtly did not accept this API token and team ID (401 Unauthorized). Copy both again from Settings → Developer in the Thoughtly dashboard.',
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 403,
			message: 'Thoughtly does not allow this API token to read the team (403 Forbidden).',
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 404,
			message:
				'The Base URL does not lead to the Thoughtly API (404 Not Found on /user). Keep the default, https://api.thoughtly.com, unless Thoughtly gave you another address.',
		},
	},
	{
		// Thoughtly can answer 200 with its error in the envelope (`data` null, `error` set).
		type: 'responseSuccessBody',
		properties: {
			key: 'data',
			value: null,
			message:
				'Thoughtly answered, but reported an error instead of the user (HTTP 200 with an error in the response). Check the API token and team ID.',
		},
	},
];

/**
 * Thoughtly authenticates every request with two headers, both shown on the Developer page of
 * the Thoughtly dashboard.
 */
export class ThoughtlyApi implements ICredentialType {
	name = 'thoughtlyApi';

	displayName = 'Thoughtly API';

	icon: Icon = { light: 'file:../nodes/Thoughtly/thoughtly.svg', dark: 'file:../nodes/Thoughtly/thoughtly.dark.svg' };

	// The README's section says where in Thoughtly each field comes from. npm shows the README of
	// the published package at a fixed address, whoever hosts the repository.
	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-thoughtly#credential-thoughtly-api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API token from Settings → Developer in the Thoughtly dashboard',
		},
		{
			displayName: 'Team ID',
			name: 'teamId',
			type: 'string',
			default: '',
			required: true,
			description: 'The ID of the Thoughtly team to work in, from Settings → Developer',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.thoughtly.com',
			required: true,
			description:
				'The address of the Thoughtly API. Keep the default unless Thoughtly gave you another address for your team.',
		},
		{
			displayName: 'Requests per Minute',
			name: 'requestsPerMinute',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 100,
			description:
				'Thoughtly allows 100 requests per minute per API token. The nodes space their requests to stay within this number; lower it if other tools share the token.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-token': '={{$credentials.apiToken}}',
				team_id: '={{$credentials.teamId}}',
			},
		},
	};

	/**
	 * n8n's credential test can only show fixed texts per status, so the texts say what
	 * Thoughtly means by each (its own message is shown by the nodes when a request fails).
	 * n8n's type allows one kind of rule per test, but its credential tester (2.40) reads every
	 * rule by its own type, and both kinds are needed: statuses, and a 200 carrying an error.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/user',
			method: 'GET',
		},
		rules: testRules as IAuthenticateRuleResponseCode[],
	};
}
