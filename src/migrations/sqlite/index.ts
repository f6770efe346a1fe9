import * as migration_20261122_014842_initial from './20261122_014842_initial';
import * as migration_20261122_020536_jobs from './20261122_020536_jobs';
import * as migration_20261122_023026_catalog from './20261122_023026_catalog';
import * as migration_20261122_042641_billing from './20261122_042641_billing';
import * as migration_20261129_203919_accounts from './20261129_203919_accounts';
import * as migration_20261129_204555_wechat_referral from './20261129_204555_wechat_referral';
import * as migration_20261129_205604_payments from './20261129_205604_payments';
import * as migration_20261129_211422_chat from './20261129_211422_chat';
import * as migration_20261129_211636_provider_balances from './20261129_211636_provider_balances';
import * as migration_20261129_231248_reservation_allowance from './20261129_231248_reservation_allowance';
import * as migration_20261129_234248_totp_last_step from './20261129_234248_totp_last_step';

export const migrations = [
  {
    up: migration_20261122_014842_initial.up,
    down: migration_20261122_014842_initial.down,
    name: '20261122_014842_initial',
  },
  {
    up: migration_20261122_020536_jobs.up,
    down: migration_20261122_020536_jobs.down,
    name: '20261122_020536_jobs',
  },
  {
    up: migration_20261122_023026_catalog.up,
    down: migration_20261122_023026_catalog.down,
    name: '20261122_023026_catalog',
  },
  {
    up: migration_20261122_042641_billing.up,
    down: migration_20261122_042641_billing.down,
    name: '20261122_042641_billing',
  },
  {
    up: migration_20261129_203919_accounts.up,
    down: migration_20261129_203919_accounts.down,
    name: '20261129_203919_accounts',
  },
  {
    up: migration_20261129_204555_wechat_referral.up,
    down: migration_20261129_204555_wechat_referral.down,
    name: '20261129_204555_wechat_referral',
  },
  {
    up: migration_20261129_205604_payments.up,
    down: migration_20261129_205604_payments.down,
    name: '20261129_205604_payments',
  },
  {
    up: migration_20261129_211422_chat.up,
    down: migration_20261129_211422_chat.down,
    name: '20261129_211422_chat',
  },
  {
    up: migration_20261129_211636_provider_balances.up,
    down: migration_20261129_211636_provider_balances.down,
    name: '20261129_211636_provider_balances',
  },
  {
    up: migration_20261129_231248_reservation_allowance.up,
    down: migration_20261129_231248_reservation_allowance.down,
    name: '20261129_231248_reservation_allowance',
  },
  {
    up: migration_20261129_234248_totp_last_step.up,
    down: migration_20261129_234248_totp_last_step.down,
    name: '20261129_234248_totp_last_step'
  },
];
