// n8n loads the nodes and the credential listed under "n8n" in package.json;
// this package has no other entry point.
module.exports = {};
