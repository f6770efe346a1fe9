import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`tiers\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`name\` text NOT NULL,
  	\`threshold\` numeric DEFAULT 0,
  	\`rpm\` numeric,
  	\`tpm\` numeric,
  	\`price_multiplier\` numeric DEFAULT 1 NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`tiers_name_idx\` ON \`tiers\` (\`name\`);`)
  await db.run(sql`CREATE INDEX \`tiers_updated_at_idx\` ON \`tiers\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`tiers_created_at_idx\` ON \`tiers\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`plan_resources\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`name\` text NOT NULL,
  	\`meter\` text DEFAULT 'requests' NOT NULL,
  	\`limit\` numeric DEFAULT 0 NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`plan_resources_updated_at_idx\` ON \`plan_resources\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`plan_resources_created_at_idx\` ON \`plan_resources\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`plan_resources_texts\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer NOT NULL,
  	\`parent_id\` text(36) NOT NULL,
  	\`path\` text NOT NULL,
  	\`text\` text,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`plan_resources\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`plan_resources_texts_order_parent\` ON \`plan_resources_texts\` (\`order\`,\`parent_id\`);`)
  await db.run(sql`CREATE TABLE \`plans\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`name\` text NOT NULL,
  	\`period_unit\` text DEFAULT 'months' NOT NULL,
  	\`period_length\` numeric DEFAULT 1 NOT NULL,
  	\`price\` numeric DEFAULT 0,
  	\`quantity_multiplier\` numeric DEFAULT 1 NOT NULL,
  	\`rate_limit_requests\` numeric,
  	\`rate_limit_hours\` numeric,
  	\`given_on_registration\` integer DEFAULT false,
  	\`on_sale\` integer DEFAULT true,
  	\`description\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`plans_updated_at_idx\` ON \`plans\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`plans_created_at_idx\` ON \`plans\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`plans_rels\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer,
  	\`parent_id\` text(36) NOT NULL,
  	\`path\` text NOT NULL,
  	\`plan_resources_id\` text(36),
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`plans\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`plan_resources_id\`) REFERENCES \`plan_resources\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`plans_rels_order_idx\` ON \`plans_rels\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`plans_rels_parent_idx\` ON \`plans_rels\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`plans_rels_path_idx\` ON \`plans_rels\` (\`path\`);`)
  await db.run(sql`CREATE INDEX \`plans_rels_plan_resources_id_idx\` ON \`plans_rels\` (\`plan_resources_id\`);`)
  await db.run(sql`CREATE TABLE \`subscriptions\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`owner_id\` text(36) NOT NULL,
  	\`plan_id\` text(36),
  	\`plan_name\` text,
  	\`status\` text DEFAULT 'active' NOT NULL,
  	\`starts_at\` text NOT NULL,
  	\`expires_at\` text NOT NULL,
  	\`rate_limit_requests\` numeric,
  	\`rate_limit_hours\` numeric,
  	\`source\` text DEFAULT 'staff',
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`plan_id\`) REFERENCES \`plans\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`subscriptions_owner_idx\` ON \`subscriptions\` (\`owner_id\`);`)
  await db.run(sql`CREATE INDEX \`subscriptions_plan_idx\` ON \`subscriptions\` (\`plan_id\`);`)
  await db.run(sql`CREATE INDEX \`subscriptions_status_idx\` ON \`subscriptions\` (\`status\`);`)
  await db.run(sql`CREATE INDEX \`subscriptions_expires_at_idx\` ON \`subscriptions\` (\`expires_at\`);`)
  await db.run(sql`CREATE INDEX \`subscriptions_updated_at_idx\` ON \`subscriptions\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`subscriptions_created_at_idx\` ON \`subscriptions\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`redemption_codes\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`code\` text NOT NULL,
  	\`batch\` text,
  	\`kind\` text DEFAULT 'balance' NOT NULL,
  	\`amount\` numeric DEFAULT 0,
  	\`plan_id\` text(36),
  	\`requests\` numeric,
  	\`validity_days\` numeric,
  	\`expires_at\` text,
  	\`status\` text DEFAULT 'active' NOT NULL,
  	\`redeemed_by_id\` text(36),
  	\`redeemed_at\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`plan_id\`) REFERENCES \`plans\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`redeemed_by_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`redemption_codes_code_idx\` ON \`redemption_codes\` (\`code\`);`)
  await db.run(sql`CREATE INDEX \`redemption_codes_batch_idx\` ON \`redemption_codes\` (\`batch\`);`)
  await db.run(sql`CREATE INDEX \`redemption_codes_plan_idx\` ON \`redemption_codes\` (\`plan_id\`);`)
  await db.run(sql`CREATE INDEX \`redemption_codes_status_idx\` ON \`redemption_codes\` (\`status\`);`)
  await db.run(sql`CREATE INDEX \`redemption_codes_redeemed_by_idx\` ON \`redemption_codes\` (\`redeemed_by_id\`);`)
  await db.run(sql`CREATE INDEX \`redemption_codes_updated_at_idx\` ON \`redemption_codes\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`redemption_codes_created_at_idx\` ON \`redemption_codes\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`wallets\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`owner_id\` text(36) NOT NULL,
  	\`cash\` numeric DEFAULT 0,
  	\`gift\` numeric DEFAULT 0,
  	\`credit\` numeric DEFAULT 0,
  	\`credit_limit\` numeric DEFAULT 0,
  	\`reserved\` numeric DEFAULT 0,
  	\`total_top_up\` numeric DEFAULT 0,
  	\`tier_id\` text(36),
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`tier_id\`) REFERENCES \`tiers\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`wallets_owner_idx\` ON \`wallets\` (\`owner_id\`);`)
  await db.run(sql`CREATE INDEX \`wallets_tier_idx\` ON \`wallets\` (\`tier_id\`);`)
  await db.run(sql`CREATE INDEX \`wallets_updated_at_idx\` ON \`wallets\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`wallets_created_at_idx\` ON \`wallets\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`ledger_entries\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`owner_id\` text(36) NOT NULL,
  	\`wallet_id\` text(36),
  	\`kind\` text DEFAULT 'adjustment' NOT NULL,
  	\`bucket\` text DEFAULT 'cash' NOT NULL,
  	\`amount\` numeric DEFAULT 0 NOT NULL,
  	\`balance_after\` numeric DEFAULT 0,
  	\`reference_type\` text,
  	\`reference_id\` text,
  	\`idempotency_key\` text,
  	\`actor_id\` text(36),
  	\`note\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`wallet_id\`) REFERENCES \`wallets\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`actor_id\`) REFERENCES \`admins\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`ledger_entries_owner_idx\` ON \`ledger_entries\` (\`owner_id\`);`)
  await db.run(sql`CREATE INDEX \`ledger_entries_wallet_idx\` ON \`ledger_entries\` (\`wallet_id\`);`)
  await db.run(sql`CREATE INDEX \`ledger_entries_kind_idx\` ON \`ledger_entries\` (\`kind\`);`)
  await db.run(sql`CREATE INDEX \`ledger_entries_reference_id_idx\` ON \`ledger_entries\` (\`reference_id\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`ledger_entries_idempotency_key_idx\` ON \`ledger_entries\` (\`idempotency_key\`);`)
  await db.run(sql`CREATE INDEX \`ledger_entries_actor_idx\` ON \`ledger_entries\` (\`actor_id\`);`)
  await db.run(sql`CREATE INDEX \`ledger_entries_updated_at_idx\` ON \`ledger_entries\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`ledger_entries_created_at_idx\` ON \`ledger_entries\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`reservations\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`request_id\` text NOT NULL,
  	\`owner_id\` text(36) NOT NULL,
  	\`wallet_id\` text(36),
  	\`subscription_resource_id\` text(36),
  	\`model\` text,
  	\`amount\` numeric DEFAULT 0,
  	\`units\` numeric DEFAULT 0,
  	\`delivered\` numeric DEFAULT 0,
  	\`delivered_units\` numeric DEFAULT 0,
  	\`lease_until\` text NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`wallet_id\`) REFERENCES \`wallets\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`subscription_resource_id\`) REFERENCES \`subscription_resources\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`reservations_request_id_idx\` ON \`reservations\` (\`request_id\`);`)
  await db.run(sql`CREATE INDEX \`reservations_owner_idx\` ON \`reservations\` (\`owner_id\`);`)
  await db.run(sql`CREATE INDEX \`reservations_wallet_idx\` ON \`reservations\` (\`wallet_id\`);`)
  await db.run(sql`CREATE INDEX \`reservations_subscription_resource_idx\` ON \`reservations\` (\`subscription_resource_id\`);`)
  await db.run(sql`CREATE INDEX \`reservations_lease_until_idx\` ON \`reservations\` (\`lease_until\`);`)
  await db.run(sql`CREATE INDEX \`reservations_updated_at_idx\` ON \`reservations\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`reservations_created_at_idx\` ON \`reservations\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`subscription_resources\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`owner_id\` text(36) NOT NULL,
  	\`subscription_id\` text(36) NOT NULL,
  	\`plan_resource_id\` text(36),
  	\`name\` text,
  	\`models\` text NOT NULL,
  	\`meter\` text NOT NULL,
  	\`limit\` numeric NOT NULL,
  	\`used\` numeric DEFAULT 0 NOT NULL,
  	\`reserved\` numeric DEFAULT 0 NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`subscription_id\`) REFERENCES \`subscriptions\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`plan_resource_id\`) REFERENCES \`plan_resources\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`subscription_resources_owner_idx\` ON \`subscription_resources\` (\`owner_id\`);`)
  await db.run(sql`CREATE INDEX \`subscription_resources_subscription_idx\` ON \`subscription_resources\` (\`subscription_id\`);`)
  await db.run(sql`CREATE INDEX \`subscription_resources_plan_resource_idx\` ON \`subscription_resources\` (\`plan_resource_id\`);`)
  await db.run(sql`CREATE INDEX \`subscription_resources_updated_at_idx\` ON \`subscription_resources\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`subscription_resources_created_at_idx\` ON \`subscription_resources\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`billing_settings\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`trial_requests\` numeric DEFAULT 0,
  	\`trial_days\` numeric DEFAULT 7,
  	\`trial_amount\` numeric DEFAULT 0,
  	\`gift_plan_id\` text(36),
  	\`reserve_output_tokens\` numeric DEFAULT 4096,
  	\`updated_at\` text,
  	\`created_at\` text,
  	FOREIGN KEY (\`gift_plan_id\`) REFERENCES \`plans\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`billing_settings_gift_plan_idx\` ON \`billing_settings\` (\`gift_plan_id\`);`)
  await db.run(sql`ALTER TABLE \`models\` ADD \`input_price\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`models\` ADD \`output_price\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`models\` ADD \`cached_input_price\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`models\` ADD \`request_price\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`models\` ADD \`character_price\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`models\` ADD \`supplier_cost\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`models\` ADD \`input_multiplier\` numeric DEFAULT 1;`)
  await db.run(sql`ALTER TABLE \`models\` ADD \`output_multiplier\` numeric DEFAULT 1;`)
  await db.run(sql`ALTER TABLE \`usage_logs\` ADD \`billed_to\` text;`)
  await db.run(sql`ALTER TABLE \`usage_logs\` ADD \`subscription_id\` text(36) REFERENCES subscriptions(id);`)
  await db.run(sql`ALTER TABLE \`usage_logs\` ADD \`plan_units\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`usage_logs\` ADD \`charge\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`usage_logs\` ADD \`cost\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`usage_logs\` ADD \`margin\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`usage_logs\` ADD \`shortfall\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`usage_logs\` ADD \`prices\` text;`)
  await db.run(sql`CREATE INDEX \`usage_logs_subscription_idx\` ON \`usage_logs\` (\`subscription_id\`);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`tiers_id\` text(36) REFERENCES tiers(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`plan_resources_id\` text(36) REFERENCES plan_resources(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`plans_id\` text(36) REFERENCES plans(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`subscriptions_id\` text(36) REFERENCES subscriptions(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`redemption_codes_id\` text(36) REFERENCES redemption_codes(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`wallets_id\` text(36) REFERENCES wallets(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`ledger_entries_id\` text(36) REFERENCES ledger_entries(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`reservations_id\` text(36) REFERENCES reservations(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`subscription_resources_id\` text(36) REFERENCES subscription_resources(id);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_tiers_id_idx\` ON \`payload_locked_documents_rels\` (\`tiers_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_plan_resources_id_idx\` ON \`payload_locked_documents_rels\` (\`plan_resources_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_plans_id_idx\` ON \`payload_locked_documents_rels\` (\`plans_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_subscriptions_id_idx\` ON \`payload_locked_documents_rels\` (\`subscriptions_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_redemption_codes_id_idx\` ON \`payload_locked_documents_rels\` (\`redemption_codes_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_wallets_id_idx\` ON \`payload_locked_documents_rels\` (\`wallets_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_ledger_entries_id_idx\` ON \`payload_locked_documents_rels\` (\`ledger_entries_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_reservations_id_idx\` ON \`payload_locked_documents_rels\` (\`reservations_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_subscription_resources_id_idx\` ON \`payload_locked_documents_rels\` (\`subscription_resources_id\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`tiers\`;`)
  await db.run(sql`DROP TABLE \`plan_resources\`;`)
  await db.run(sql`DROP TABLE \`plan_resources_texts\`;`)
  await db.run(sql`DROP TABLE \`plans\`;`)
  await db.run(sql`DROP TABLE \`plans_rels\`;`)
  await db.run(sql`DROP TABLE \`subscriptions\`;`)
  await db.run(sql`DROP TABLE \`redemption_codes\`;`)
  await db.run(sql`DROP TABLE \`wallets\`;`)
  await db.run(sql`DROP TABLE \`ledger_entries\`;`)
  await db.run(sql`DROP TABLE \`reservations\`;`)
  await db.run(sql`DROP TABLE \`subscription_resources\`;`)
  await db.run(sql`DROP TABLE \`billing_settings\`;`)
  await db.run(sql`PRAGMA foreign_keys=OFF;`)
  await db.run(sql`CREATE TABLE \`__new_usage_logs\` (
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
  await db.run(sql`INSERT INTO \`__new_usage_logs\`("id", "request_id", "owner_id", "api_key_id", "endpoint", "model", "upstream_model", "platform_id", "provider_key_id", "stream", "status", "http_status", "error", "prompt_tokens", "completion_tokens", "cached_tokens", "characters", "usage_source", "attempts", "latency_ms", "ttfb_ms", "ip", "updated_at", "created_at") SELECT "id", "request_id", "owner_id", "api_key_id", "endpoint", "model", "upstream_model", "platform_id", "provider_key_id", "stream", "status", "http_status", "error", "prompt_tokens", "completion_tokens", "cached_tokens", "characters", "usage_source", "attempts", "latency_ms", "ttfb_ms", "ip", "updated_at", "created_at" FROM \`usage_logs\`;`)
  await db.run(sql`DROP TABLE \`usage_logs\`;`)
  await db.run(sql`ALTER TABLE \`__new_usage_logs\` RENAME TO \`usage_logs\`;`)
  await db.run(sql`PRAGMA foreign_keys=ON;`)
  await db.run(sql`CREATE INDEX \`usage_logs_request_id_idx\` ON \`usage_logs\` (\`request_id\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_owner_idx\` ON \`usage_logs\` (\`owner_id\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_api_key_idx\` ON \`usage_logs\` (\`api_key_id\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_model_idx\` ON \`usage_logs\` (\`model\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_platform_idx\` ON \`usage_logs\` (\`platform_id\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_provider_key_idx\` ON \`usage_logs\` (\`provider_key_id\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_status_idx\` ON \`usage_logs\` (\`status\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_updated_at_idx\` ON \`usage_logs\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`usage_logs_created_at_idx\` ON \`usage_logs\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`__new_payload_locked_documents_rels\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer,
  	\`parent_id\` text(36) NOT NULL,
  	\`path\` text NOT NULL,
  	\`admins_id\` text(36),
  	\`users_id\` text(36),
  	\`platforms_id\` text(36),
  	\`models_id\` text(36),
  	\`provider_keys_id\` text(36),
  	\`api_keys_id\` text(36),
  	\`media_id\` text(36),
  	\`usage_logs_id\` text(36),
  	\`audit_logs_id\` text(36),
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`payload_locked_documents\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`admins_id\`) REFERENCES \`admins\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`users_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`platforms_id\`) REFERENCES \`platforms\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`models_id\`) REFERENCES \`models\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`provider_keys_id\`) REFERENCES \`provider_keys\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`api_keys_id\`) REFERENCES \`api_keys\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`media_id\`) REFERENCES \`media\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`usage_logs_id\`) REFERENCES \`usage_logs\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`audit_logs_id\`) REFERENCES \`audit_logs\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`INSERT INTO \`__new_payload_locked_documents_rels\`("id", "order", "parent_id", "path", "admins_id", "users_id", "platforms_id", "models_id", "provider_keys_id", "api_keys_id", "media_id", "usage_logs_id", "audit_logs_id") SELECT "id", "order", "parent_id", "path", "admins_id", "users_id", "platforms_id", "models_id", "provider_keys_id", "api_keys_id", "media_id", "usage_logs_id", "audit_logs_id" FROM \`payload_locked_documents_rels\`;`)
  await db.run(sql`DROP TABLE \`payload_locked_documents_rels\`;`)
  await db.run(sql`ALTER TABLE \`__new_payload_locked_documents_rels\` RENAME TO \`payload_locked_documents_rels\`;`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_order_idx\` ON \`payload_locked_documents_rels\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_parent_idx\` ON \`payload_locked_documents_rels\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_path_idx\` ON \`payload_locked_documents_rels\` (\`path\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_admins_id_idx\` ON \`payload_locked_documents_rels\` (\`admins_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_users_id_idx\` ON \`payload_locked_documents_rels\` (\`users_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_platforms_id_idx\` ON \`payload_locked_documents_rels\` (\`platforms_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_models_id_idx\` ON \`payload_locked_documents_rels\` (\`models_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_provider_keys_id_idx\` ON \`payload_locked_documents_rels\` (\`provider_keys_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_api_keys_id_idx\` ON \`payload_locked_documents_rels\` (\`api_keys_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_media_id_idx\` ON \`payload_locked_documents_rels\` (\`media_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_usage_logs_id_idx\` ON \`payload_locked_documents_rels\` (\`usage_logs_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_audit_logs_id_idx\` ON \`payload_locked_documents_rels\` (\`audit_logs_id\`);`)
  await db.run(sql`ALTER TABLE \`models\` DROP COLUMN \`input_price\`;`)
  await db.run(sql`ALTER TABLE \`models\` DROP COLUMN \`output_price\`;`)
  await db.run(sql`ALTER TABLE \`models\` DROP COLUMN \`cached_input_price\`;`)
  await db.run(sql`ALTER TABLE \`models\` DROP COLUMN \`request_price\`;`)
  await db.run(sql`ALTER TABLE \`models\` DROP COLUMN \`character_price\`;`)
  await db.run(sql`ALTER TABLE \`models\` DROP COLUMN \`supplier_cost\`;`)
  await db.run(sql`ALTER TABLE \`models\` DROP COLUMN \`input_multiplier\`;`)
  await db.run(sql`ALTER TABLE \`models\` DROP COLUMN \`output_multiplier\`;`)
}
