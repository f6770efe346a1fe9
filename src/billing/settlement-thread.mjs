// The settlement thread's entry (settlement-writer.ts): the thread is TypeScript like the rest of
// the app, and tsx compiles it here as it does for the server.
import { workerData } from 'node:worker_threads'

import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
