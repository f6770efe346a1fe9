import { randomBytes } from 'node:crypto'

import type { Payload } from 'payload'

import { seedPromptTemplates } from '../chat/templates'
import type { AppConfig } from '../config/env'

export const DEMO_PLATFORM_NAME = 'Demo'
export const DEMO_MODEL_NAME = 'modelgate-demo'

/**
 * On an empty database, creates the first super-admin. The password comes from ADMIN_PASSWORD or
 * is generated and printed once: it is stored only as a hash.
 */
export async function ensureFirstAdmin(
  payload: Payload,
  app: Pick<AppConfig, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD'>,
  print: (line: string) => void = console.log,
) {
  const { totalDocs } = await payload.count({ collection: 'admins', overrideAccess: true })
  if (totalDocs > 0) return null
  const password = app.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url')
  const admin = await payload.create({
    collection: 'admins',
    overrideAccess: true,
    data: { email: app.ADMIN_EMAIL, password, name: 'Super admin', role: 'super-admin' },
  })
  const shown = app.ADMIN_PASSWORD ? '(the value of ADMIN_PASSWORD)' : `${password}   <- shown once, change it after signing in`
  print(
    [
      '',
      '  Modelgate: first super-admin created',
      `    email:    ${app.ADMIN_EMAIL}`,
      `    password: ${shown}`,
      '',
    ].join('\n'),
  )
  return admin
}

/** The offline Demo platform and model, so chat works with no provider key and no internet. */
export async function loadDemoData(payload: Payload) {
  const existing = await payload.count({
    collection: 'platforms',
    overrideAccess: true,
    where: { name: { equals: DEMO_PLATFORM_NAME } },
  })
  if (existing.totalDocs > 0) return
  const platform = await payload.create({
    collection: 'platforms',
    overrideAccess: true,
    data: { name: DEMO_PLATFORM_NAME, kind: 'demo', status: 'active' },
  })
  await payload.create({
    collection: 'models',
    overrideAccess: true,
    data: {
      name: DEMO_MODEL_NAME,
      platforms: [platform.id],
      kind: 'chat',
      contextWindow: 32768,
      status: 'active',
      defaultForNewChats: true,
      titleModel: true,
    },
  })
}

/** Runs at every start; only an empty database (or one without prompt templates) gets anything. */
export async function seed(payload: Payload, app: AppConfig) {
  const admin = await ensureFirstAdmin(payload, app)
  if (admin && app.SEED_DEMO) await loadDemoData(payload)
  await seedPromptTemplates(payload)
}
