import type { Metadata, Viewport } from 'next'
import React from 'react'

import '../../chat-app/chat.css'
import { THEME_BOOT_SCRIPT } from '../../chat-app/preferences/theme'

export const metadata: Metadata = {
  title: 'Modelgate',
  description: 'Chat with AI models',
}

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#14161a' },
  ],
}

export default function ChatLayout({ children }: { children: React.ReactNode }) {
  return (
    // The boot script sets data-theme before the page paints, so <html> differs from the server's.
    <html lang="en" suppressHydrationWarning>
      <body>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
        {children}
      </body>
    </html>
  )
}
