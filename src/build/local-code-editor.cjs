/**
 * Webpack loader for Payload's UI bundle: its copy of Monaco's loader loads the editor from the
 * jsDelivr CDN; this points it at the copy this server serves, at the `path` option
 * (next.config.ts passes src/lib/code-editor.ts's). A bundle without the address passes unchanged.
 */
const CDN = /https:\/\/cdn\.jsdelivr\.net\/npm\/monaco-editor@[^/"'`]+\/min\/vs/g

module.exports = function localCodeEditor(source) {
  return source.replace(CDN, this.getOptions().path)
}
