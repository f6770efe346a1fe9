/**
 * Webpack loader for Payload's UI bundle: its copy of Monaco's loader loads the editor from the
 * jsDelivr CDN; this points it at the copy this server serves (src/lib/code-editor.ts). A bundle
 * without the address passes unchanged.
 */
const CDN = /https:\/\/cdn\.jsdelivr\.net\/npm\/monaco-editor@[^/"'`]+\/min\/vs/g
const LOCAL = '/vendor/monaco-editor/vs'

module.exports = function localCodeEditor(source) {
  return source.replace(CDN, LOCAL)
}
