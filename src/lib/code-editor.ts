/**
 * Where the admin's code editor (Monaco, behind Payload's JSON and code fields) loads from: this
 * server, not the jsDelivr CDN Payload's bundled loader names, which an admin without Internet
 * access (or behind a firewall that blocks jsDelivr) cannot reach. The build points the loader here
 * (src/build/local-code-editor.cjs); express serves the installed `monaco-editor` package here.
 */
export const CODE_EDITOR_PATH = '/vendor/monaco-editor/vs'
