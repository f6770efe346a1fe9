import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { buildConfig, type CollectionConfig } from 'payload'
import sharp from 'sharp'

import { buildCollections } from './collections'
import type { AppConfig } from './config/env'
import { databaseAdapter } from './db/adapter'
import { authEndpoints } from './endpoints/auth'
import { paymentNotifyEndpoints, paymentReturnEndpoint } from './endpoints/payment-callbacks'
import { authSettings } from './globals/AuthSettings'
import { BillingSettings } from './globals/BillingSettings'
import { paymentSettings } from './globals/PaymentSettings'
import { jobsConfig } from './jobs'
import { mailAdapter } from './lib/mailer'
import { createSecrets } from './lib/secrets'

const dirname = path.dirname(fileURLToPath(import.meta.url))

/**
 * MongoDB would otherwise hand out ObjectIds; a text id with a UUID default keeps ids the same
 * shape on every database, as the API contract promises.
 */
function withUuidIds(collection: CollectionConfig): CollectionConfig {
  return {
    ...collection,
    fields: [
      { name: 'id', type: 'text', defaultValue: () => crypto.randomUUID(), admin: { hidden: true } },
      ...collection.fields,
    ],
  }
}

export async function createPayloadConfig(app: AppConfig) {
  const secrets = createSecrets(app.MODELGATE_ENCRYPTION_KEY, app.PAYLOAD_SECRET)
  const collections = buildCollections(secrets)
  return buildConfig({
    admin: {
      user: 'admins',
      meta: { titleSuffix: ' — Modelgate' },
      importMap: { baseDir: dirname },
      // Gravatar is an outside request the admin makes for every staff member; keep it local.
      avatar: 'default',
      components: {
        providers: ['/components/second-factor/SecondFactorGate#SecondFactorGate'],
        beforeDashboard: ['/components/second-factor/SecondFactorNotEnforced#SecondFactorNotEnforced'],
      },
    },
    collections: app.databaseKind === 'mongodb' ? collections.map(withUuidIds) : collections,
    db: await databaseAdapter(app),
    email: mailAdapter(app),
    endpoints: [...authEndpoints(secrets), ...paymentNotifyEndpoints(secrets), paymentReturnEndpoint(secrets)],
    custom: { staffTotpRequired: app.STAFF_TOTP_REQUIRED },
    globals: [BillingSettings, authSettings(secrets), paymentSettings(secrets)],
    jobs: jobsConfig(app, secrets),
    secret: app.PAYLOAD_SECRET,
    serverURL: app.PUBLIC_URL,
    sharp,
    telemetry: false,
    // Types are regenerated on purpose (npm run generate:types), not as a side effect of every start.
    typescript: { autoGenerate: false, outputFile: path.resolve(dirname, 'payload-types.ts') },
    logger: { options: { level: app.LOG_LEVEL } },
  })
}
