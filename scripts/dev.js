#!/usr/bin/env node
'use strict';
/*
 * `npm run dev [-- --n8n-version <version>]`: n8n (2.40.7 by default) with this package loaded
 * (as the community package n8n-nodes-thoughtly), talking to the local Thoughtly simulator.
 * See scripts/lib/dev.ts.
 * The simulator and the harness are TypeScript; ts-node (a dev dependency) runs them as they are.
 */
const path = require('node:path');

require('ts-node').register({
	transpileOnly: true,
	project: path.join(__dirname, '..', 'tsconfig.json'),
});

require('./lib/dev')
	.main()
	.catch((error) => {
		process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
		process.exit(1);
	});
