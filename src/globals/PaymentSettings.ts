import type { Field, GlobalConfig } from 'payload'

import { staffCan } from '../access/staff'
import { moneyField } from '../collections/fields'
import { auditGlobalAfterChange } from '../hooks/audit'
import type { Secrets } from '../lib/secrets'
import { sealedField as sealedFieldOf, sealSecrets } from './sealed-fields'

/** Set in a Local API call's `context` to read the sealed payment credentials. */
export const REVEAL_PAYMENT_SECRETS = 'modelgate.revealPaymentSecrets'

export const PAYMENT_SECRETS = [
  ['stripe', 'secretKey'],
  ['stripe', 'webhookSecret'],
  ['epay', 'key'],
  ['wechat', 'privateKey'],
  ['wechat', 'apiV3Key'],
  ['alipay', 'privateKey'],
] as const

const sealed = (name: string, label: string, multiline = false) => sealedFieldOf(name, label, REVEAL_PAYMENT_SECRETS, { multiline })
const enabled: Field = { name: 'enabled', type: 'checkbox', defaultValue: false }
const text = (name: string, label: string, description?: string, defaultValue?: string): Field => ({ name, label, type: 'text', defaultValue, admin: { description } })

/**
 * What customers can buy and how they pay: top-up amounts, order timeout, refund and referral
 * rules, and each payment channel with its credentials (sealed like provider keys).
 */
export function paymentSettings(secrets: Secrets): GlobalConfig {
  return {
    slug: 'payment-settings',
    label: 'Payment settings',
    admin: { group: 'Billing' },
    hooks: { beforeChange: [sealSecrets(secrets, PAYMENT_SECRETS)], afterChange: [auditGlobalAfterChange] },
    access: {
      read: ({ req }) => staffCan(req.user, 'payment-settings', 'read'),
      update: ({ req }) => staffCan(req.user, 'payment-settings', 'update'),
    },
    fields: [
      {
        type: 'collapsible',
        label: 'Orders',
        fields: [
          { name: 'currency', type: 'text', required: true, defaultValue: 'CNY', admin: { description: 'ISO code of the currency balances are kept in, such as CNY or USD.' } },
          {
            name: 'topUpPresets',
            label: 'Top-up amounts',
            type: 'number',
            hasMany: true,
            defaultValue: [50, 100, 150, 200, 300, 500, 1000],
            admin: { description: 'Whole units of the currency offered as buttons.' },
          },
          { ...moneyField('minimumTopUp', { label: 'Smallest custom top-up' }), defaultValue: 10_000_000 } as Field,
          { name: 'orderTimeoutMinutes', type: 'number', min: 1, defaultValue: 30, admin: { description: 'Unpaid orders close after this long.' } },
          { ...moneyField('minimumRefund', { label: 'Smallest refund', description: 'Refunds under this are refused (the admin PRD says 10 units).' }), defaultValue: 10_000_000 } as Field,
        ],
      },
      {
        name: 'referral',
        label: 'Referral rewards',
        type: 'group',
        fields: [
          {
            name: 'kind',
            type: 'select',
            defaultValue: 'none',
            options: [
              { value: 'none', label: 'No rewards' },
              { value: 'fixed', label: 'A fixed amount' },
              { value: 'percent', label: "A percentage of the referee's first payment" },
            ],
          },
          moneyField('amount', { description: 'For a fixed reward.' }),
          { name: 'percent', type: 'number', min: 0, max: 100, defaultValue: 0 },
          { name: 'requireApproval', type: 'checkbox', defaultValue: false, admin: { description: 'Rewards wait for staff approval before they are paid.' } },
        ],
      },
      {
        name: 'stripe',
        type: 'group',
        fields: [enabled, ...sealed('secretKey', 'Secret key'), ...sealed('webhookSecret', 'Webhook signing secret'), text('apiBase', 'API base URL', "Empty: Stripe's own.")],
      },
      {
        name: 'epay',
        label: 'Epay (易支付)',
        type: 'group',
        fields: [
          enabled,
          text('gateway', 'Gateway URL', 'The address before submit.php, such as https://pay.example.com/'),
          text('pid', 'Merchant id (pid)'),
          ...sealed('key', 'Merchant key'),
          { name: 'types', type: 'select', hasMany: true, defaultValue: ['alipay', 'wxpay'], options: ['alipay', 'wxpay', 'qqpay'].map((value) => ({ value, label: value })) },
        ],
      },
      {
        name: 'wechat',
        label: 'WeChat Pay (API v3)',
        type: 'group',
        fields: [
          enabled,
          text('mchId', 'Merchant id (mchid)'),
          text('appId', 'AppID'),
          text('serialNo', 'Merchant certificate serial number'),
          ...sealed('privateKey', 'Merchant private key (PEM)', true),
          ...sealed('apiV3Key', 'API v3 key'),
          { name: 'platformCertificate', label: 'Platform certificate or public key (PEM)', type: 'textarea' },
          text('apiBase', 'API base URL', 'Empty: https://api.mch.weixin.qq.com'),
        ],
      },
      {
        name: 'alipay',
        type: 'group',
        fields: [
          enabled,
          text('appId', 'AppID'),
          ...sealed('privateKey', 'App private key (PEM)', true),
          { name: 'alipayPublicKey', label: 'Alipay public key (PEM)', type: 'textarea' },
          text('gateway', 'Gateway URL', 'Empty: https://openapi.alipay.com/gateway.do'),
        ],
      },
    ],
  }
}
