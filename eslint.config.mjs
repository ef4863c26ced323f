// Lints what is published (nodes/, credentials/, package.json) with the rules n8n's community
// package scanner applies: @n8n/eslint-plugin-community-nodes' `recommended` set and
// eslint-plugin-n8n-nodes-base's `community`, `credentials` and `nodes` sets. Inline
// `eslint-disable` comments are ignored, as the scanner ignores them.
import { defineConfig } from 'eslint/config';
import tsParser from '@typescript-eslint/parser';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

export default defineConfig(
	{
		ignores: ['dist/**', 'node_modules/**', 'test/**', 'scripts/**', 'examples/**', '.dev/**', '*.js', '*.mjs', 'tsconfig*.json', 'package-lock.json', '**/*.json', '!package.json', '!nodes/**/*.json'],
	},
	{ linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' } },
	{
		files: ['package.json', 'nodes/**/*.{ts,json}', 'credentials/**/*.ts'],
		extends: [n8nCommunityNodesPlugin.configs.recommended],
		languageOptions: { parser: tsParser },
		rules: { 'no-console': 'error' },
	},
	{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{ files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Community credentials link to the service's own documentation, not n8n's.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// Inputs and outputs use a typed constant (nodes/Thoughtly/helpers/connections.ts), which
			// these two rules cannot read (the scanner turns them off as well).
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
);
