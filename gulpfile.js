const { task, src, dest, parallel } = require('gulp');

// tsc only emits JavaScript. n8n also reads from dist/: node and credential icons, each node's
// codex (`*.node.json`) and the trigger's output schema (`__schema__/**/*.json`).
function copyNodeAssets() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'nodes/**/__schema__/**/*.json'], {
		encoding: false,
		allowEmpty: true,
	}).pipe(dest('dist/nodes'));
}

function copyCredentialIcons() {
	return src('credentials/**/*.{png,svg}', { encoding: false, allowEmpty: true }).pipe(
		dest('dist/credentials'),
	);
}

task('build:assets', parallel(copyNodeAssets, copyCredentialIcons));
