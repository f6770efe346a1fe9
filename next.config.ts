import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { withPayload } from '@payloadcms/next/withPayload'
import type { NextConfig } from 'next'

import { CODE_EDITOR_PATH } from './src/lib/code-editor'

const dirname = path.dirname(fileURLToPath(import.meta.url))

const nextConfig: NextConfig = {
  // `npm run typecheck` checks types; doing it again inside every build only slows `npm start`.
  typescript: { ignoreBuildErrors: true },
  webpack: (webpackConfig) => {
    webpackConfig.resolve.extensionAlias = {
      '.cjs': ['.cts', '.cjs'],
      '.js': ['.ts', '.tsx', '.js', '.jsx'],
      '.mjs': ['.mts', '.mjs'],
    }
    // The admin's code editor from this server, not a CDN (src/lib/code-editor.ts).
    webpackConfig.module.rules.push({
      test: /[\\/]@payloadcms[\\/]ui[\\/]dist[\\/].*\.js$/,
      enforce: 'pre',
      use: [{ loader: path.resolve(dirname, 'src/build/local-code-editor.cjs'), options: { path: CODE_EDITOR_PATH } }],
    })
    return webpackConfig
  },
}

export default withPayload(nextConfig, { devBundleServerPackages: false })
