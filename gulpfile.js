const path = require('node:path');
const { task, src, dest } = require('gulp');

// tsc only emits JavaScript; n8n also reads each node's and credential's icons from dist/.
task('build:icons', copyIcons);

function copyIcons() {
	const nodeIcons = src(path.resolve('nodes', '**', '*.{png,svg}'), { encoding: false });
	const nodesDestination = path.resolve('dist', 'nodes');
	nodeIcons.pipe(dest(nodesDestination));

	const credentialIcons = src(path.resolve('credentials', '**', '*.{png,svg}'), { encoding: false });
	const credentialsDestination = path.resolve('dist', 'credentials');
	return credentialIcons.pipe(dest(credentialsDestination));
}
