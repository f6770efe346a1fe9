import { describe, expect, it } from '@jest/globals'

import { loadConfig } from '../../src/config/env'
import { createPayloadConfig } from '../../src/payload-config'

/** Builds (sanitizes) the Payload config for each adapter without connecting to a database. */
async function build(url: string) {
  return createPayloadConfig(loadConfig({ DATABASE_URL: url }))
}

describe('createPayloadConfig', () => {
  it.each([
    ['file:./data/unit.db', 'sqlite'],
    ['postgres://postgres@127.0.0.1:5432/test', 'postgres'],
    ['mongodb://127.0.0.1:27017/modelgate', 'mongodb'],
  ])('builds for %s with the %s adapter', async (url, name) => {
    const config = await build(url)
    expect(config.db.defaultIDType).toBe('text')
    expect(config.db.name).toBe(name === 'mongodb' ? 'mongoose' : name)
  })

  // SQL ids are checked on a live database in test/integration/server.test.ts.
  it('gives MongoDB documents UUID text ids', async () => {
    const mongo = await build('mongodb://127.0.0.1:27017/modelgate')
    for (const collection of mongo.collections.filter((c) => !c.slug.startsWith('payload-'))) {
      const id = collection.fields.find((f) => 'name' in f && f.name === 'id') as { type: string; defaultValue: () => string }
      expect(id.type).toBe('text')
      expect(id.defaultValue()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    }
  })

  it('lets staff, not customers, into the admin panel', async () => {
    const config = await build('file:./data/unit.db')
    expect(config.admin.user).toBe('admins')
  })
})
