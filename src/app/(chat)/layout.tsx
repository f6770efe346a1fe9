import type { Metadata } from 'next'
import React from 'react'

export const metadata: Metadata = {
  title: 'Modelgate',
  description: 'Chat with AI models',
}

export default function ChatLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: 0 }}>{children}</body>
    </html>
  )
}
