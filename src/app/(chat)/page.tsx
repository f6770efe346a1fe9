/** Placeholder home until the chat app lands: tells a visitor where things are. */
export default function Home() {
  return (
    <main style={{ maxWidth: 640, margin: '10vh auto', padding: '0 24px', lineHeight: 1.6 }}>
      <h1>Modelgate</h1>
      <p>This server is running. The chat app will live here.</p>
      <ul>
        <li>
          Back office: <a href="/admin">/admin</a>
        </li>
        <li>
          OpenAI-compatible API base URL: <code>/v1</code>
        </li>
        <li>
          Health: <a href="/healthz">/healthz</a>, readiness: <a href="/readyz">/readyz</a>
        </li>
      </ul>
    </main>
  )
}
