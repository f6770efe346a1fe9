import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`platforms_extra_headers\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` text(36) NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`name\` text NOT NULL,
  	\`value\` text NOT NULL,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`platforms\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`platforms_extra_headers_order_idx\` ON \`platforms_extra_headers\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`platforms_extra_headers_parent_id_idx\` ON \`platforms_extra_headers\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`provider_keys\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`name\` text NOT NULL,
  	\`platform_id\` text(36) NOT NULL,
  	\`key\` text,
  	\`key_hint\` text,
  	\`base_url\` text,
  	\`priority\` numeric DEFAULT 0,
  	\`weight\` numeric DEFAULT 1,
  	\`status\` text DEFAULT 'active' NOT NULL,
  	\`disabled_reason\` text,
  	\`upstream_message\` text,
  	\`last_error\` text,
  	\`last_error_at\` text,
  	\`last_checked_at\` text,
  	\`balance\` numeric,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`platform_id\`) REFERENCES \`platforms\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`provider_keys_platform_idx\` ON \`provider_keys\` (\`platform_id\`);`)
  await db.run(sql`CREATE INDEX \`provider_keys_updated_at_idx\` ON \`provider_keys\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`provider_keys_created_at_idx\` ON \`provider_keys\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`provider_keys_rels\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer,
  	\`parent_id\` text(36) NOT NULL,
  	\`path\` text NOT NULL,
  	\`models_id\` text(36),
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`provider_keys\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`models_id\`) REFERENCES \`models\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`provider_keys_rels_order_idx\` ON \`provider_keys_rels\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`provider_keys_rels_parent_idx\` ON \`provider_keys_rels\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`provider_keys_rels_path_idx\` ON \`provider_keys_rels\` (\`path\`);`)
  await db.run(sql`CREATE INDEX \`provider_keys_rels_models_id_idx\` ON \`provider_keys_rels\` (\`models_id\`);`)
  await db.run(sql`CREATE TABLE \`api_keys\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`name\` text NOT NULL,
  	\`owner_id\` text(36) NOT NULL,
  	\`fingerprint\` text,
  	\`prefix\` text,
  	\`status\` text DEFAULT 'active' NOT NULL,
  	\`expires_at\` text,
  	\`rpm_limit\` numeric,
  	\`tpm_limit\` numeric,
  	\`last_used_at\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`api_keys_owner_idx\` ON \`api_keys\` (\`owner_id\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`api_keys_fingerprint_idx\` ON \`api_keys\` (\`fingerprint\`);`)
  await db.run(sql`CREATE INDEX \`api_keys_updated_at_idx\` ON \`api_keys\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`api_keys_created_at_idx\` ON \`api_keys\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`api_keys_texts\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer NOT NULL,
  	\`parent_id\` text(36) NOT NULL,
  	\`path\` text NOT NULL,
  	\`text\` text,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`api_keys\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`api_keys_texts_order_parent\` ON \`api_keys_texts\` (\`order\`,\`parent_id\`);`)
  await db.run(sql`CREATE TABLE \`usage_logs\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`request_id\` text,
  	\`owner_id\` text(36),
  	\`api_key_id\` text(36),
  	\`endpoint\` text,
  	\`model\` text,
  	\`upstream_model\` text,
  	\`platform_id\` text(36),
  	\`provider_key_id\` text(36),
  	\`stream\` integer,
  	\`status\` text NOT NULL,
  	\`http_status\` numeric,
  	\`error\` text,
  	\`prompt_tokens\` numeric DEFAULT 0,
  	\`completion_tokens\` numeric DEFAULT 0,
  	\`cached_tokens\` numeric DEFAULT 0,
  	\`characters\` numeric DEFAULT 0,
  	\`usage_source\` text,
  	\`attempts\` numeric DEFAULT 1,
  	\`latency_ms\` numeric,
  	\`ttfb_ms\` numeric,
  	\`ip\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`api_key_id\`) REFERENCES \`api_keys\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`platform_id\`) REFERENCES \`platforms\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`provider_key_id\`) REFERENCES \`provider_keys\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`usage_logs_request_id_idx\` ON \`usage_logs\` (\`request_id\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_owner_idx\` ON \`usage_logs\` (\`owner_id\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_api_key_idx\` ON \`usage_logs\` (\`api_key_id\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_model_idx\` ON \`usage_logs\` (\`model\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_platform_idx\` ON \`usage_logs\` (\`platform_id\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_provider_key_idx\` ON \`usage_logs\` (\`provider_key_id\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_status_idx\` ON \`usage_logs\` (\`status\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_updated_at_idx\` ON \`usage_logs\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_created_at_idx\` ON \`usage_logs\` (\`created_at\`);`)
  await db.run(sql`DROP INDEX \`createdAt_idx\`;`)
  await db.run(sql`ALTER TABLE \`platforms\` ADD \`preset\` text;`)
  await db.run(sql`ALTER TABLE \`platforms\` ADD \`api_version\` text DEFAULT '2024-10-21';`)
  await db.run(sql`ALTER TABLE \`platforms\` ADD \`routing\` text DEFAULT 'weighted';`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`provider_keys_id\` text(36) REFERENCES provider_keys(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`api_keys_id\` text(36) REFERENCES api_keys(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`usage_logs_id\` text(36) REFERENCES usage_logs(id);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_provider_keys_id_idx\` ON \`payload_locked_documents_rels\` (\`provider_keys_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_api_keys_id_idx\` ON \`payload_locked_documents_rels\` (\`api_keys_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_usage_logs_id_idx\` ON \`payload_locked_documents_rels\` (\`usage_logs_id\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`platforms_extra_headers\`;`)
  await db.run(sql`DROP TABLE \`provider_keys\`;`)
  await db.run(sql`DROP TABLE \`provider_keys_rels\`;`)
  await db.run(sql`DROP TABLE \`api_keys\`;`)
  await db.run(sql`DROP TABLE \`api_keys_texts\`;`)
  await db.run(sql`DROP TABLE \`usage_logs\`;`)
  await db.run(sql`PRAGMA foreign_keys=OFF;`)
  await db.run(sql`CREATE TABLE \`__new_payload_locked_documents_rels\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer,
  	\`parent_id\` text(36) NOT NULL,
  	\`path\` text NOT NULL,
  	\`admins_id\` text(36),
  	\`users_id\` text(36),
  	\`platforms_id\` text(36),
  	\`models_id\` text(36),
  	\`media_id\` text(36),
  	\`audit_logs_id\` text(36),
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`payload_locked_documents\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`admins_id\`) REFERENCES \`admins\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`users_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`platforms_id\`) REFERENCES \`platforms\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`models_id\`) REFERENCES \`models\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`media_id\`) REFERENCES \`media\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`audit_logs_id\`) REFERENCES \`audit_logs\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`INSERT INTO \`__new_payload_locked_documents_rels\`("id", "order", "parent_id", "path", "admins_id", "users_id", "platforms_id", "models_id", "media_id", "audit_logs_id") SELECT "id", "order", "parent_id", "path", "admins_id", "users_id", "platforms_id", "models_id", "media_id", "audit_logs_id" FROM \`payload_locked_documents_rels\`;`)
  await db.run(sql`DROP TABLE \`payload_locked_documents_rels\`;`)
  await db.run(sql`ALTER TABLE \`__new_payload_locked_documents_rels\` RENAME TO \`payload_locked_documents_rels\`;`)
  await db.run(sql`PRAGMA foreign_keys=ON;`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_order_idx\` ON \`payload_locked_documents_rels\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_parent_idx\` ON \`payload_locked_documents_rels\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_path_idx\` ON \`payload_locked_documents_rels\` (\`path\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_admins_id_idx\` ON \`payload_locked_documents_rels\` (\`admins_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_users_id_idx\` ON \`payload_locked_documents_rels\` (\`users_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_platforms_id_idx\` ON \`payload_locked_documents_rels\` (\`platforms_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_models_id_idx\` ON \`payload_locked_documents_rels\` (\`models_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_media_id_idx\` ON \`payload_locked_documents_rels\` (\`media_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_audit_logs_id_idx\` ON \`payload_locked_documents_rels\` (\`audit_logs_id\`);`)
  await db.run(sql`CREATE INDEX \`createdAt_idx\` ON \`audit_logs\` (\`created_at\`);`)
  await db.run(sql`ALTER TABLE \`platforms\` DROP COLUMN \`preset\`;`)
  await db.run(sql`ALTER TABLE \`platforms\` DROP COLUMN \`api_version\`;`)
  await db.run(sql`ALTER TABLE \`platforms\` DROP COLUMN \`routing\`;`)
}
