import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`organizations\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`name\` text NOT NULL,
  	\`type\` text DEFAULT 'company' NOT NULL,
  	\`verification\` text DEFAULT 'unverified' NOT NULL,
  	\`owner_id\` text(36) NOT NULL,
  	\`account_id\` text(36),
  	\`tier_id\` text(36),
  	\`notes\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`owner_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`account_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`tier_id\`) REFERENCES \`tiers\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`organizations_owner_idx\` ON \`organizations\` (\`owner_id\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`organizations_account_idx\` ON \`organizations\` (\`account_id\`);`)
  await db.run(sql`CREATE INDEX \`organizations_tier_idx\` ON \`organizations\` (\`tier_id\`);`)
  await db.run(sql`CREATE INDEX \`organizations_updated_at_idx\` ON \`organizations\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`organizations_created_at_idx\` ON \`organizations\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`organization_members\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`organization_id\` text(36) NOT NULL,
  	\`user_id\` text(36) NOT NULL,
  	\`role\` text DEFAULT 'developer' NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`organization_id\`) REFERENCES \`organizations\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`user_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`organization_members_organization_idx\` ON \`organization_members\` (\`organization_id\`);`)
  await db.run(sql`CREATE INDEX \`organization_members_user_idx\` ON \`organization_members\` (\`user_id\`);`)
  await db.run(sql`CREATE INDEX \`organization_members_updated_at_idx\` ON \`organization_members\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`organization_members_created_at_idx\` ON \`organization_members\` (\`created_at\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`organization_user_idx\` ON \`organization_members\` (\`organization_id\`,\`user_id\`);`)
  await db.run(sql`CREATE TABLE \`sms_codes\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`phone\` text NOT NULL,
  	\`code_hash\` text NOT NULL,
  	\`ip\` text,
  	\`expires_at\` text NOT NULL,
  	\`used_at\` text,
  	\`attempts\` numeric DEFAULT 0,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`sms_codes_phone_idx\` ON \`sms_codes\` (\`phone\`);`)
  await db.run(sql`CREATE INDEX \`sms_codes_ip_idx\` ON \`sms_codes\` (\`ip\`);`)
  await db.run(sql`CREATE INDEX \`sms_codes_updated_at_idx\` ON \`sms_codes\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`sms_codes_created_at_idx\` ON \`sms_codes\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`wechat_sign_ins\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`scene\` text NOT NULL,
  	\`ticket\` text,
  	\`status\` text DEFAULT 'pending' NOT NULL,
  	\`open_id\` text,
  	\`user_id\` text(36),
  	\`reason\` text,
  	\`expires_at\` text NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`user_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`wechat_sign_ins_scene_idx\` ON \`wechat_sign_ins\` (\`scene\`);`)
  await db.run(sql`CREATE INDEX \`wechat_sign_ins_user_idx\` ON \`wechat_sign_ins\` (\`user_id\`);`)
  await db.run(sql`CREATE INDEX \`wechat_sign_ins_updated_at_idx\` ON \`wechat_sign_ins\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`wechat_sign_ins_created_at_idx\` ON \`wechat_sign_ins\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`auth_settings\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`registration_open\` integer DEFAULT true,
  	\`email_sign_in\` integer DEFAULT true,
  	\`email_verification\` integer DEFAULT true,
  	\`phone_sign_in\` integer DEFAULT false,
  	\`wechat_sign_in\` integer DEFAULT false,
  	\`referrals\` integer DEFAULT true,
  	\`auth_requests_per_minute\` numeric DEFAULT 30,
  	\`password_policy_min_length\` numeric DEFAULT 8,
  	\`password_policy_require_letter\` integer DEFAULT false,
  	\`password_policy_require_digit\` integer DEFAULT false,
  	\`password_policy_require_symbol\` integer DEFAULT false,
  	\`sms_provider\` text DEFAULT 'log',
  	\`sms_access_key_id\` text,
  	\`sms_access_key_secret\` text,
  	\`sms_access_key_secret_hint\` text,
  	\`sms_sign_name\` text,
  	\`sms_template_code\` text,
  	\`sms_sdk_app_id\` text,
  	\`sms_region\` text DEFAULT 'ap-guangzhou',
  	\`sms_endpoint\` text,
  	\`sms_code_ttl_seconds\` numeric DEFAULT 300,
  	\`sms_resend_seconds\` numeric DEFAULT 60,
  	\`sms_per_phone_per_day\` numeric DEFAULT 10,
  	\`sms_per_ip_per_hour\` numeric DEFAULT 20,
  	\`wechat_app_id\` text,
  	\`wechat_app_secret\` text,
  	\`wechat_app_secret_hint\` text,
  	\`wechat_token\` text,
  	\`wechat_token_hint\` text,
  	\`wechat_api_base_url\` text DEFAULT 'https://api.weixin.qq.com',
  	\`wechat_qr_expire_seconds\` numeric DEFAULT 600,
  	\`updated_at\` text,
  	\`created_at\` text
  );
  `)
  await db.run(sql`CREATE TABLE \`auth_settings_texts\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer NOT NULL,
  	\`parent_id\` text(36) NOT NULL,
  	\`path\` text NOT NULL,
  	\`text\` text,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`auth_settings\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`auth_settings_texts_order_parent\` ON \`auth_settings_texts\` (\`order\`,\`parent_id\`);`)
  await db.run(sql`PRAGMA foreign_keys=OFF;`)
  await db.run(sql`CREATE TABLE \`__new_users\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`name\` text,
  	\`phone\` text,
  	\`locale\` text DEFAULT 'zh-CN',
  	\`account_type\` text DEFAULT 'person',
  	\`wechat_open_id\` text,
  	\`frozen\` integer DEFAULT false,
  	\`frozen_reason\` text,
  	\`referral_code\` text,
  	\`referred_by_id\` text(36),
  	\`totp_enabled\` integer DEFAULT false,
  	\`totp_secret\` text,
  	\`totp_pending_secret\` text,
  	\`totp_recovery_codes\` text,
  	\`totp_sessions\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`email\` text,
  	\`username\` text,
  	\`reset_password_token\` text,
  	\`reset_password_expiration\` text,
  	\`salt\` text,
  	\`hash\` text,
  	\`reset_password_requested_at\` text,
  	\`_verified\` integer,
  	\`_verificationtoken\` text,
  	\`login_attempts\` numeric DEFAULT 0,
  	\`lock_until\` text,
  	FOREIGN KEY (\`referred_by_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  // Existing customers keep signing in: they count as verified, and each gets a referral code below.
  await db.run(sql`INSERT INTO \`__new_users\`("id", "name", "username", "phone", "locale", "updated_at", "created_at", "email", "reset_password_token", "reset_password_expiration", "salt", "hash", "reset_password_requested_at", "login_attempts", "lock_until", "_verified") SELECT "id", "name", "username", "phone", "locale", "updated_at", "created_at", "email", "reset_password_token", "reset_password_expiration", "salt", "hash", "reset_password_requested_at", "login_attempts", "lock_until", 1 FROM \`users\`;`)
  await db.run(sql`DROP TABLE \`users\`;`)
  await db.run(sql`ALTER TABLE \`__new_users\` RENAME TO \`users\`;`)
  await db.run(sql`PRAGMA foreign_keys=ON;`)
  await db.run(sql`CREATE UNIQUE INDEX \`users_phone_idx\` ON \`users\` (\`phone\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`users_wechat_open_id_idx\` ON \`users\` (\`wechat_open_id\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`users_referral_code_idx\` ON \`users\` (\`referral_code\`);`)
  await db.run(sql`CREATE INDEX \`users_referred_by_idx\` ON \`users\` (\`referred_by_id\`);`)
  await db.run(sql`CREATE INDEX \`users_updated_at_idx\` ON \`users\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`users_created_at_idx\` ON \`users\` (\`created_at\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`users_email_idx\` ON \`users\` (\`email\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`users_username_idx\` ON \`users\` (\`username\`);`)
  await db.run(sql`ALTER TABLE \`admins\` ADD \`totp_enabled\` integer DEFAULT false;`)
  await db.run(sql`ALTER TABLE \`admins\` ADD \`totp_secret\` text;`)
  await db.run(sql`ALTER TABLE \`admins\` ADD \`totp_pending_secret\` text;`)
  await db.run(sql`ALTER TABLE \`admins\` ADD \`totp_recovery_codes\` text;`)
  await db.run(sql`ALTER TABLE \`admins\` ADD \`totp_sessions\` text;`)
  await db.run(sql`ALTER TABLE \`api_keys\` ADD \`organization_id\` text(36) REFERENCES organizations(id);`)
  await db.run(sql`CREATE INDEX \`api_keys_organization_idx\` ON \`api_keys\` (\`organization_id\`);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`organizations_id\` text(36) REFERENCES organizations(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`organization_members_id\` text(36) REFERENCES organization_members(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`sms_codes_id\` text(36) REFERENCES sms_codes(id);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`wechat_sign_ins_id\` text(36) REFERENCES wechat_sign_ins(id);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_organizations_id_idx\` ON \`payload_locked_documents_rels\` (\`organizations_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_organization_members_id_idx\` ON \`payload_locked_documents_rels\` (\`organization_members_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_sms_codes_id_idx\` ON \`payload_locked_documents_rels\` (\`sms_codes_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_wechat_sign_ins_id_idx\` ON \`payload_locked_documents_rels\` (\`wechat_sign_ins_id\`);`)
  await db.run(sql`UPDATE \`users\` SET \`referral_code\` = upper(substr(hex(randomblob(4)), 1, 8)) WHERE \`referral_code\` IS NULL;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`organizations\`;`)
  await db.run(sql`DROP TABLE \`organization_members\`;`)
  await db.run(sql`DROP TABLE \`sms_codes\`;`)
  await db.run(sql`DROP TABLE \`wechat_sign_ins\`;`)
  await db.run(sql`DROP TABLE \`auth_settings\`;`)
  await db.run(sql`DROP TABLE \`auth_settings_texts\`;`)
  await db.run(sql`PRAGMA foreign_keys=OFF;`)
  await db.run(sql`CREATE TABLE \`__new_users\` (
  	\`id\` text(36) PRIMARY KEY NOT NULL,
  	\`name\` text,
  	\`username\` text,
  	\`phone\` text,
  	\`locale\` text DEFAULT 'zh-CN',
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`email\` text NOT NULL,
  	\`reset_password_token\` text,
  	\`reset_password_expiration\` text,
  	\`salt\` text,
  	\`hash\` text,
  	\`reset_password_requested_at\` text,
  	\`login_attempts\` numeric DEFAULT 0,
  	\`lock_until\` text
  );
  `)
  await db.run(sql`INSERT INTO \`__new_users\`("id", "name", "username", "phone", "locale", "updated_at", "created_at", "email", "reset_password_token", "reset_password_expiration", "salt", "hash", "reset_password_requested_at", "login_attempts", "lock_until") SELECT "id", "name", "username", "phone", "locale", "updated_at", "created_at", "email", "reset_password_token", "reset_password_expiration", "salt", "hash", "reset_password_requested_at", "login_attempts", "lock_until" FROM \`users\`;`)
  await db.run(sql`DROP TABLE \`users\`;`)
  await db.run(sql`ALTER TABLE \`__new_users\` RENAME TO \`users\`;`)
  await db.run(sql`PRAGMA foreign_keys=ON;`)
  await db.run(sql`CREATE UNIQUE INDEX \`users_username_idx\` ON \`users\` (\`username\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`users_phone_idx\` ON \`users\` (\`phone\`);`)
  await db.run(sql`CREATE INDEX \`users_updated_at_idx\` ON \`users\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`users_created_at_idx\` ON \`users\` (\`created_at\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`users_email_idx\` ON \`users\` (\`email\`);`)
  await db.run(sql`CREATE TABLE \`__new_api_keys\` (
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
  await db.run(sql`INSERT INTO \`__new_api_keys\`("id", "name", "owner_id", "fingerprint", "prefix", "status", "expires_at", "rpm_limit", "tpm_limit", "last_used_at", "updated_at", "created_at") SELECT "id", "name", "owner_id", "fingerprint", "prefix", "status", "expires_at", "rpm_limit", "tpm_limit", "last_used_at", "updated_at", "created_at" FROM \`api_keys\`;`)
  await db.run(sql`DROP TABLE \`api_keys\`;`)
  await db.run(sql`ALTER TABLE \`__new_api_keys\` RENAME TO \`api_keys\`;`)
  await db.run(sql`CREATE INDEX \`api_keys_owner_idx\` ON \`api_keys\` (\`owner_id\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`api_keys_fingerprint_idx\` ON \`api_keys\` (\`fingerprint\`);`)
  await db.run(sql`CREATE INDEX \`api_keys_updated_at_idx\` ON \`api_keys\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`api_keys_created_at_idx\` ON \`api_keys\` (\`created_at\`);`)
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
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`payload_locked_documents\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`admins_id\`) REFERENCES \`admins\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`users_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE cascade,
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
  	FOREIGN KEY (\`audit_logs_id\`) REFERENCES \`audit_logs\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`INSERT INTO \`__new_payload_locked_documents_rels\`("id", "order", "parent_id", "path", "admins_id", "users_id", "platforms_id", "models_id", "provider_keys_id", "api_keys_id", "media_id", "tiers_id", "plan_resources_id", "plans_id", "subscriptions_id", "redemption_codes_id", "wallets_id", "ledger_entries_id", "reservations_id", "subscription_resources_id", "usage_logs_id", "audit_logs_id") SELECT "id", "order", "parent_id", "path", "admins_id", "users_id", "platforms_id", "models_id", "provider_keys_id", "api_keys_id", "media_id", "tiers_id", "plan_resources_id", "plans_id", "subscriptions_id", "redemption_codes_id", "wallets_id", "ledger_entries_id", "reservations_id", "subscription_resources_id", "usage_logs_id", "audit_logs_id" FROM \`payload_locked_documents_rels\`;`)
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
  await db.run(sql`ALTER TABLE \`admins\` DROP COLUMN \`totp_enabled\`;`)
  await db.run(sql`ALTER TABLE \`admins\` DROP COLUMN \`totp_secret\`;`)
  await db.run(sql`ALTER TABLE \`admins\` DROP COLUMN \`totp_pending_secret\`;`)
  await db.run(sql`ALTER TABLE \`admins\` DROP COLUMN \`totp_recovery_codes\`;`)
  await db.run(sql`ALTER TABLE \`admins\` DROP COLUMN \`totp_sessions\`;`)
}
