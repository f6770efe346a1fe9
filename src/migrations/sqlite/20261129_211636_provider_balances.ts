import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`provider_keys\` ADD \`balance_currency\` text;`)
  await db.run(sql`ALTER TABLE \`provider_keys\` ADD \`balance_checked_at\` text;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`provider_keys\` DROP COLUMN \`balance_currency\`;`)
  await db.run(sql`ALTER TABLE \`provider_keys\` DROP COLUMN \`balance_checked_at\`;`)
}
