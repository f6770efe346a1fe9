import { ChatApp } from '../../chat-app/ChatApp'

/** The chat app: everything happens in the browser, against /api. */
export default function Home() {
  return <ChatApp />
}
