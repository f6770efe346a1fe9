import * as migration_20261122_014847_initial from './20261122_014847_initial';
import * as migration_20261122_020526_jobs from './20261122_020526_jobs';
import * as migration_20261122_023030_catalog from './20261122_023030_catalog';
import * as migration_20261122_024346_key_recheck from './20261122_024346_key_recheck';
import * as migration_20261122_042644_billing from './20261122_042644_billing';
import * as migration_20261122_044104_plans_expire_job from './20261122_044104_plans_expire_job';
import * as migration_20261122_044720_reconcile_job from './20261122_044720_reconcile_job';
import * as migration_20261129_203922_accounts from './20261129_203922_accounts';
import * as migration_20261129_204559_wechat_referral from './20261129_204559_wechat_referral';
import * as migration_20261129_205048_audit_views from './20261129_205048_audit_views';
import * as migration_20261129_205606_payments from './20261129_205606_payments';
import * as migration_20261129_210319_close_orders_job from './20261129_210319_close_orders_job';
import * as migration_20261129_211426_chat from './20261129_211426_chat';
import * as migration_20261129_211641_provider_balances from './20261129_211641_provider_balances';
import * as migration_20261129_214953_tidy_up_job from './20261129_214953_tidy_up_job';
import * as migration_20261129_231251_reservation_allowance from './20261129_231251_reservation_allowance';
import * as migration_20261129_234256_totp_last_step from './20261129_234256_totp_last_step';

export const migrations = [
  {
    up: migration_20261122_014847_initial.up,
    down: migration_20261122_014847_initial.down,
    name: '20261122_014847_initial',
  },
  {
    up: migration_20261122_020526_jobs.up,
    down: migration_20261122_020526_jobs.down,
    name: '20261122_020526_jobs',
  },
  {
    up: migration_20261122_023030_catalog.up,
    down: migration_20261122_023030_catalog.down,
    name: '20261122_023030_catalog',
  },
  {
    up: migration_20261122_024346_key_recheck.up,
    down: migration_20261122_024346_key_recheck.down,
    name: '20261122_024346_key_recheck',
  },
  {
    up: migration_20261122_042644_billing.up,
    down: migration_20261122_042644_billing.down,
    name: '20261122_042644_billing',
  },
  {
    up: migration_20261122_044104_plans_expire_job.up,
    down: migration_20261122_044104_plans_expire_job.down,
    name: '20261122_044104_plans_expire_job',
  },
  {
    up: migration_20261122_044720_reconcile_job.up,
    down: migration_20261122_044720_reconcile_job.down,
    name: '20261122_044720_reconcile_job',
  },
  {
    up: migration_20261129_203922_accounts.up,
    down: migration_20261129_203922_accounts.down,
    name: '20261129_203922_accounts',
  },
  {
    up: migration_20261129_204559_wechat_referral.up,
    down: migration_20261129_204559_wechat_referral.down,
    name: '20261129_204559_wechat_referral',
  },
  {
    up: migration_20261129_205048_audit_views.up,
    down: migration_20261129_205048_audit_views.down,
    name: '20261129_205048_audit_views',
  },
  {
    up: migration_20261129_205606_payments.up,
    down: migration_20261129_205606_payments.down,
    name: '20261129_205606_payments',
  },
  {
    up: migration_20261129_210319_close_orders_job.up,
    down: migration_20261129_210319_close_orders_job.down,
    name: '20261129_210319_close_orders_job',
  },
  {
    up: migration_20261129_211426_chat.up,
    down: migration_20261129_211426_chat.down,
    name: '20261129_211426_chat',
  },
  {
    up: migration_20261129_211641_provider_balances.up,
    down: migration_20261129_211641_provider_balances.down,
    name: '20261129_211641_provider_balances',
  },
  {
    up: migration_20261129_214953_tidy_up_job.up,
    down: migration_20261129_214953_tidy_up_job.down,
    name: '20261129_214953_tidy_up_job',
  },
  {
    up: migration_20261129_231251_reservation_allowance.up,
    down: migration_20261129_231251_reservation_allowance.down,
    name: '20261129_231251_reservation_allowance',
  },
  {
    up: migration_20261129_234256_totp_last_step.up,
    down: migration_20261129_234256_totp_last_step.down,
    name: '20261129_234256_totp_last_step'
  },
];
