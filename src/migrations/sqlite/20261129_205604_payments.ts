import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`orders\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`number\` text NOT NULL,
  	\`owner_id\` text(36) NOT NULL,
  	\`placed_by_id\` text(36),
  	\`kind\` text NOT NULL,
  	\`plan_id\` text(36),
  	\`items\` text,
  	\`list_amount\` numeric DEFAULT 0,
  	\`coupon_id\` text(36),
  	\`discount\` numeric DEFAULT 0,
  	\`payable\` numeric DEFAULT 0,
  	\`currency\` text DEFAULT 'CNY' NOT NULL,
  	\`channel\` text,
  	\`channel_transaction_id\` text,
  	\`status\` text DEFAULT 'pending' NOT NULL,
  	\`refunded\` numeric DEFAULT 0,
  	\`locked\` integer DEFAULT false,
  	\`lock_reason\` text,
  	\`failure_reason\` text,
  	\`pay_url\` text,
  	\`qr_code\` text,
  	\`expires_at\` text,
  	\`paid_at\` text,
  	\`closed_at\` text,
  	\`staff_id\` text(36),
  	\`staff_reason\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`placed_by_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`plan_id\`) REFERENCES \`plans\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`coupon_id\`) REFERENCES \`coupons\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`staff_id\`) REFERENCES \`admins\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`orders_number_idx\` ON \`orders\` (\`number\`);`)
  await db.run(sql`CREATE INDEX \`orders_owner_idx\` ON \`orders\` (\`owner_id\`);`)
  await db.run(sql`CREATE INDEX \`orders_placed_by_idx\` ON \`orders\` (\`placed_by_id\`);`)
  await db.run(sql`CREATE INDEX \`orders_kind_idx\` ON \`orders\` (\`kind\`);`)
  await db.run(sql`CREATE INDEX \`orders_plan_idx\` ON \`orders\` (\`plan_id\`);`)
  await db.run(sql`CREATE INDEX \`orders_coupon_idx\` ON \`orders\` (\`coupon_id\`);`)
  await db.run(sql`CREATE INDEX \`orders_channel_idx\` ON \`orders\` (\`channel\`);`)
  await db.run(sql`CREATE INDEX \`orders_channel_transaction_id_idx\` ON \`orders\` (\`channel_transaction_id\`);`)
  await db.run(sql`CREATE INDEX \`orders_status_idx\` ON \`orders\` (\`status\`);`)
  await db.run(sql`CREATE INDEX \`orders_locked_idx\` ON \`orders\` (\`locked\`);`)
  await db.run(sql`CREATE INDEX \`orders_expires_at_idx\` ON \`orders\` (\`expires_at\`);`)
  await db.run(sql`CREATE INDEX \`orders_paid_at_idx\` ON \`orders\` (\`paid_at\`);`)
  await db.run(sql`CREATE INDEX \`orders_staff_idx\` ON \`orders\` (\`staff_id\`);`)
  await db.run(sql`CREATE INDEX \`orders_updated_at_idx\` ON \`orders\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`orders_created_at_idx\` ON \`orders\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`coupons_order_kinds\` (
  	\`order\` integer NOT NULL,
  	\`parent_id\` text(36) NOT NULL,
  	\`value\` text,
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`coupons\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`coupons_order_kinds_order_idx\` ON \`coupons_order_kinds\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`coupons_order_kinds_parent_idx\` ON \`coupons_order_kinds\` (\`parent_id\`);`)
  await db.run(sql`CREATE TABLE \`coupons\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`name\` text NOT NULL,
  	\`code\` text,
  	\`kind\` text DEFAULT 'fixed' NOT NULL,
  	\`amount\` numeric DEFAULT 0,
  	\`percent\` numeric,
  	\`max_discount\` numeric DEFAULT 0,
  	\`minimum_spend\` numeric DEFAULT 0,
  	\`starts_at\` text,
  	\`ends_at\` text,
  	\`total_limit\` numeric,
  	\`per_user_limit\` numeric DEFAULT 1,
  	\`used\` numeric DEFAULT 0,
  	\`published\` integer DEFAULT false,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`coupons_code_idx\` ON \`coupons\` (\`code\`);`)
  await db.run(sql`CREATE INDEX \`coupons_updated_at_idx\` ON \`coupons\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`coupons_created_at_idx\` ON \`coupons\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`coupon_grants\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`coupon_id\` text(36) NOT NULL,
  	\`owner_id\` text(36) NOT NULL,
  	\`status\` text DEFAULT 'available' NOT NULL,
  	\`order_id\` text(36),
  	\`used_at\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`coupon_id\`) REFERENCES \`coupons\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`order_id\`) REFERENCES \`orders\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`coupon_grants_coupon_idx\` ON \`coupon_grants\` (\`coupon_id\`);`)
  await db.run(sql`CREATE INDEX \`coupon_grants_owner_idx\` ON \`coupon_grants\` (\`owner_id\`);`)
  await db.run(sql`CREATE INDEX \`coupon_grants_order_idx\` ON \`coupon_grants\` (\`order_id\`);`)
  await db.run(sql`CREATE INDEX \`coupon_grants_updated_at_idx\` ON \`coupon_grants\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`coupon_grants_created_at_idx\` ON \`coupon_grants\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`refunds\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`order_id\` text(36) NOT NULL,
  	\`owner_id\` text(36) NOT NULL,
  	\`amount\` numeric DEFAULT 0 NOT NULL,
  	\`reason\` text NOT NULL,
  	\`destination\` text NOT NULL,
  	\`status\` text DEFAULT 'pending' NOT NULL,
  	\`channel_refund_id\` text,
  	\`failure_reason\` text,
  	\`staff_id\` text(36),
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`order_id\`) REFERENCES \`orders\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`staff_id\`) REFERENCES \`admins\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`refunds_order_idx\` ON \`refunds\` (\`order_id\`);`)
  await db.run(sql`CREATE INDEX \`refunds_owner_idx\` ON \`refunds\` (\`owner_id\`);`)
  await db.run(sql`CREATE INDEX \`refunds_staff_idx\` ON \`refunds\` (\`staff_id\`);`)
  await db.run(sql`CREATE INDEX \`refunds_updated_at_idx\` ON \`refunds\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`refunds_created_at_idx\` ON \`refunds\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`payment_events\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`order_id\` text(36),
  	\`channel\` text,
  	\`kind\` text NOT NULL,
  	\`verified\` integer DEFAULT false,
  	\`outcome\` text,
  	\`summary\` text,
  	\`detail\` text,
  	\`ip\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`order_id\`) REFERENCES \`orders\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`payment_events_order_idx\` ON \`payment_events\` (\`order_id\`);`)
  await db.run(sql`CREATE INDEX \`payment_events_updated_at_idx\` ON \`payment_events\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`payment_events_created_at_idx\` ON \`payment_events\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`referral_rewards\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`owner_id\` text(36) NOT NULL,
  	\`referee_id\` text(36) NOT NULL,
  	\`order_id\` text(36) NOT NULL,
  	\`amount\` numeric DEFAULT 0 NOT NULL,
  	\`status\` text DEFAULT 'pending' NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`referee_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`order_id\`) REFERENCES \`orders\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`referral_rewards_owner_idx\` ON \`referral_rewards\` (\`owner_id\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`referral_rewards_referee_idx\` ON \`referral_rewards\` (\`referee_id\`);`)
  await db.run(sql`CREATE INDEX \`referral_rewards_order_idx\` ON \`referral_rewards\` (\`order_id\`);`)
  await db.run(sql`CREATE INDEX \`referral_rewards_updated_at_idx\` ON \`referral_rewards\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`referral_rewards_created_at_idx\` ON \`referral_rewards\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`payment_settings_epay_types\` (
  	\`order\` integer NOT NULL,
  	\`parent_id\` text(36) NOT NULL,
  	\`value\` text,
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`payment_settings\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`payment_settings_epay_types_order_idx\` ON \`payment_settings_epay_types\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`payment_settings_epay_types_parent_idx\` ON \`payment_settings_epay_types\` (\`parent_id\`);`)
  await db.run(sql`CREATE TABLE \`payment_settings\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`currency\` text DEFAULT 'CNY' NOT NULL,
  	\`minimum_top_up\` numeric DEFAULT 10000000,
  	\`order_timeout_minutes\` numeric DEFAULT 30,
  	\`minimum_refund\` numeric DEFAULT 10000000,
  	\`referral_kind\` text DEFAULT 'none',
  	\`referral_amount\` numeric DEFAULT 0,
  	\`referral_percent\` numeric DEFAULT 0,
  	\`referral_require_approval\` integer DEFAULT false,
  	\`stripe_enabled\` integer DEFAULT false,
  	\`stripe_secret_key\` text,
  	\`stripe_secret_key_hint\` text,
  	\`stripe_webhook_secret\` text,
  	\`stripe_webhook_secret_hint\` text,
  	\`stripe_api_base\` text,
  	\`epay_enabled\` integer DEFAULT false,
  	\`epay_gateway\` text,
  	\`epay_pid\` text,
  	\`epay_key\` text,
  	\`epay_key_hint\` text,
  	\`wechat_enabled\` integer DEFAULT false,
  	\`wechat_mch_id\` text,
  	\`wechat_app_id\` text,
  	\`wechat_serial_no\` text,
  	\`wechat_private_key\` text,
  	\`wechat_private_key_hint\` text,
  	\`wechat_api_v3_key\` text,
  	\`wechat_api_v3_key_hint\` text,
  	\`wechat_platform_certificate\` text,
  	\`wechat_api_base\` text,
  	\`alipay_enabled\` integer DEFAULT false,
  	\`alipay_app_id\` text,
  	\`alipay_private_key\` text,
  	\`alipay_private_key_hint\` text,
  	\`alipay_alipay_public_key\` text,
  	\`alipay_gateway\` text,
  	\`updated_at\` text,
  	\`created_at\` text
  );
  `)
  await db.run(sql`CREATE TABLE \`payment_settings_numbers\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`number\` numeric,
  	\`order\` integer NOT NULL,
  	\`parent_id\` text(36) NOT NULL,
  	\`path\` text NOT NULL,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`payment_settings\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`payment_settings_numbers_order_parent_idx\` ON \`payment_settings_numbers\` (\`order\`,\`parent_id\`);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`orders_id\` text(36) REFERENCES orders(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`coupons_id\` text(36) REFERENCES coupons(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`coupon_grants_id\` text(36) REFERENCES coupon_grants(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`refunds_id\` text(36) REFERENCES refunds(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`payment_events_id\` text(36) REFERENCES payment_events(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`referral_rewards_id\` text(36) REFERENCES referral_rewards(id);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_orders_id_idx\` ON \`payload_locked_documents_rels\` (\`orders_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_coupons_id_idx\` ON \`payload_locked_documents_rels\` (\`coupons_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_coupon_grants_id_idx\` ON \`payload_locked_documents_rels\` (\`coupon_grants_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_refunds_id_idx\` ON \`payload_locked_documents_rels\` (\`refunds_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_payment_events_id_idx\` ON \`payload_locked_documents_rels\` (\`payment_events_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_referral_rewards_id_idx\` ON \`payload_locked_documents_rels\` (\`referral_rewards_id\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`orders\`;`)
  await db.run(sql`DROP TABLE \`coupons_order_kinds\`;`)
  await db.run(sql`DROP TABLE \`coupons\`;`)
  await db.run(sql`DROP TABLE \`coupon_grants\`;`)
  await db.run(sql`DROP TABLE \`refunds\`;`)
  await db.run(sql`DROP TABLE \`payment_events\`;`)
  await db.run(sql`DROP TABLE \`referral_rewards\`;`)
  await db.run(sql`DROP TABLE \`payment_settings_epay_types\`;`)
  await db.run(sql`DROP TABLE \`payment_settings\`;`)
  await db.run(sql`DROP TABLE \`payment_settings_numbers\`;`)
  await db.run(sql`PRAGMA foreign_keys=OFF;`)
  await db.run(sql`CREATE TABLE \`__new_payload_locked_documents_rels\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer,
  	\`parent_id\` text(36) NOT NULL,
  	\`path\` text NOT NULL,
  	\`admins_id\` text(36),
  	\`users_id\` text(36),
  	\`organizations_id\` text(36),
  	\`organization_members_id\` text(36),
  	\`platforms_id\` text(36),
  	\`models_id\` text(36),
  	\`provider_keys_id\` text(36),
  	\`api_keys_id\` text(36),
  	\`media_id\` text(36),
  	\`tiers_id\` text(36),
  	\`plan_resources_id\` text(36),
  	\`plans_id\` text(36),
  	\`subscriptions_id\` text(36),
  	\`redemption_codes_id\` text(36),
  	\`wallets_id\` text(36),
  	\`ledger_entries_id\` text(36),
  	\`reservations_id\` text(36),
  	\`subscription_resources_id\` text(36),
  	\`usage_logs_id\` text(36),
  	\`audit_logs_id\` text(36),
  	\`sms_codes_id\` text(36),
  	\`wechat_sign_ins_id\` text(36),
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`payload_locked_documents\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`admins_id\`) REFERENCES \`admins\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`users_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`organizations_id\`) REFERENCES \`organizations\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`organization_members_id\`) REFERENCES \`organization_members\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`platforms_id\`) REFERENCES \`platforms\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`models_id\`) REFERENCES \`models\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`provider_keys_id\`) REFERENCES \`provider_keys\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`api_keys_id\`) REFERENCES \`api_keys\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`media_id\`) REFERENCES \`media\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`tiers_id\`) REFERENCES \`tiers\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`plan_resources_id\`) REFERENCES \`plan_resources\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`plans_id\`) REFERENCES \`plans\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`subscriptions_id\`) REFERENCES \`subscriptions\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`redemption_codes_id\`) REFERENCES \`redemption_codes\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`wallets_id\`) REFERENCES \`wallets\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`ledger_entries_id\`) REFERENCES \`ledger_entries\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`reservations_id\`) REFERENCES \`reservations\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`subscription_resources_id\`) REFERENCES \`subscription_resources\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`usage_logs_id\`) REFERENCES \`usage_logs\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`audit_logs_id\`) REFERENCES \`audit_logs\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`sms_codes_id\`) REFERENCES \`sms_codes\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`wechat_sign_ins_id\`) REFERENCES \`wechat_sign_ins\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`INSERT INTO \`__new_payload_locked_documents_rels\`("id", "order", "parent_id", "path", "admins_id", "users_id", "organizations_id", "organization_members_id", "platforms_id", "models_id", "provider_keys_id", "api_keys_id", "media_id", "tiers_id", "plan_resources_id", "plans_id", "subscriptions_id", "redemption_codes_id", "wallets_id", "ledger_entries_id", "reservations_id", "subscription_resources_id", "usage_logs_id", "audit_logs_id", "sms_codes_id", "wechat_sign_ins_id") SELECT "id", "order", "parent_id", "path", "admins_id", "users_id", "organizations_id", "organization_members_id", "platforms_id", "models_id", "provider_keys_id", "api_keys_id", "media_id", "tiers_id", "plan_resources_id", "plans_id", "subscriptions_id", "redemption_codes_id", "wallets_id", "ledger_entries_id", "reservations_id", "subscription_resources_id", "usage_logs_id", "audit_logs_id", "sms_codes_id", "wechat_sign_ins_id" FROM \`payload_locked_documents_rels\`;`)
  await db.run(sql`DROP TABLE \`payload_locked_documents_rels\`;`)
  await db.run(sql`ALTER TABLE \`__new_payload_locked_documents_rels\` RENAME TO \`payload_locked_documents_rels\`;`)
  await db.run(sql`PRAGMA foreign_keys=ON;`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_order_idx\` ON \`payload_locked_documents_rels\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_parent_idx\` ON \`payload_locked_documents_rels\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_path_idx\` ON \`payload_locked_documents_rels\` (\`path\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_admins_id_idx\` ON \`payload_locked_documents_rels\` (\`admins_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_users_id_idx\` ON \`payload_locked_documents_rels\` (\`users_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_organizations_id_idx\` ON \`payload_locked_documents_rels\` (\`organizations_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_organization_members_id_idx\` ON \`payload_locked_documents_rels\` (\`organization_members_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_platforms_id_idx\` ON \`payload_locked_documents_rels\` (\`platforms_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_models_id_idx\` ON \`payload_locked_documents_rels\` (\`models_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_provider_keys_id_idx\` ON \`payload_locked_documents_rels\` (\`provider_keys_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_api_keys_id_idx\` ON \`payload_locked_documents_rels\` (\`api_keys_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_media_id_idx\` ON \`payload_locked_documents_rels\` (\`media_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_tiers_id_idx\` ON \`payload_locked_documents_rels\` (\`tiers_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_plan_resources_id_idx\` ON \`payload_locked_documents_rels\` (\`plan_resources_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_plans_id_idx\` ON \`payload_locked_documents_rels\` (\`plans_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_subscriptions_id_idx\` ON \`payload_locked_documents_rels\` (\`subscriptions_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_redemption_codes_id_idx\` ON \`payload_locked_documents_rels\` (\`redemption_codes_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_wallets_id_idx\` ON \`payload_locked_documents_rels\` (\`wallets_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_ledger_entries_id_idx\` ON \`payload_locked_documents_rels\` (\`ledger_entries_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_reservations_id_idx\` ON \`payload_locked_documents_rels\` (\`reservations_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_subscription_resources_id_idx\` ON \`payload_locked_documents_rels\` (\`subscription_resources_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_usage_logs_id_idx\` ON \`payload_locked_documents_rels\` (\`usage_logs_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_audit_logs_id_idx\` ON \`payload_locked_documents_rels\` (\`audit_logs_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_sms_codes_id_idx\` ON \`payload_locked_documents_rels\` (\`sms_codes_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_wechat_sign_ins_id_idx\` ON \`payload_locked_documents_rels\` (\`wechat_sign_ins_id\`);`)
}
