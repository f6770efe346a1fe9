import type { Field, GlobalConfig } from 'payload'

import { staffCan } from '../access/staff'
import { auditGlobalAfterChange } from '../hooks/audit'
import type { Secrets } from '../lib/secrets'
import { sealedField as sealedFieldOf, sealSecrets } from './sealed-fields'

/** Set in a Local API call's `context` to read the sealed SMS and WeChat credentials. */
export const REVEAL_AUTH_SECRETS = 'modelgate.revealAuthSecrets'

/** Sealed credentials, by group: `group.field` is sealed and `group.fieldHint` shows which one is stored. */
export const AUTH_SECRETS = [
  ['sms', 'accessKeySecret'],
  ['wechat', 'appSecret'],
  ['wechat', 'token'],
] as const

const sealedField = (name: string, label: string) => sealedFieldOf(name, label, REVEAL_AUTH_SECRETS)

const count = (name: string, label: string, defaultValue: number, description: string): Field => ({
  name,
  label,
  type: 'number',
  min: 0,
  defaultValue,
  admin: { description },
})

/**
 * How customers sign up and sign in, and how staff are kept safe. Read on every auth request, so a
 * change applies at once; credentials are sealed like provider keys.
 */
export function authSettings(secrets: Secrets): GlobalConfig {
  return {
    slug: 'auth-settings',
    label: 'Sign-in settings',
    admin: { group: 'Team' },
    hooks: { beforeChange: [sealSecrets(secrets, AUTH_SECRETS)], afterChange: [auditGlobalAfterChange] },
    access: {
      read: ({ req }) => staffCan(req.user, 'auth-settings', 'read'),
      update: ({ req }) => staffCan(req.user, 'auth-settings', 'update'),
    },
    fields: [
      {
        type: 'collapsible',
        label: 'Customers',
        fields: [
          { name: 'registrationOpen', type: 'checkbox', defaultValue: true, admin: { description: 'Off: nobody can sign up; existing customers still sign in.' } },
          { name: 'emailSignIn', label: 'Email and password', type: 'checkbox', defaultValue: true },
          { name: 'emailVerification', label: 'Email must be verified', type: 'checkbox', defaultValue: true, admin: { description: 'New email accounts sign in only after following the mailed link.' } },
          {
            name: 'emailDomains',
            label: 'Allowed email domains',
            type: 'text',
            hasMany: true,
            admin: { description: 'Sign-up accepts only these domains, such as qq.com or example.com (MAIL_WHITE_LIST). Empty: any domain.' },
          },
          { name: 'phoneSignIn', label: 'Phone and SMS code', type: 'checkbox', defaultValue: false },
          { name: 'wechatSignIn', label: 'WeChat Official Account', type: 'checkbox', defaultValue: false },
          { name: 'referrals', label: 'Referral codes on sign-up', type: 'checkbox', defaultValue: true },
          count('authRequestsPerMinute', 'Auth requests per minute per IP', 30, 'Every sign-in, sign-up, code and reset request counts; more gets 429.'),
        ],
      },
      {
        name: 'passwordPolicy',
        type: 'group',
        fields: [
          { name: 'minLength', type: 'number', min: 6, max: 128, defaultValue: 8 },
          { name: 'requireLetter', type: 'checkbox', defaultValue: false },
          { name: 'requireDigit', type: 'checkbox', defaultValue: false },
          { name: 'requireSymbol', type: 'checkbox', defaultValue: false },
        ],
      },
      {
        name: 'sms',
        label: 'SMS',
        type: 'group',
        fields: [
          {
            name: 'provider',
            type: 'select',
            defaultValue: 'log',
            options: [
              { value: 'log', label: 'Log (development: the code is printed in the server log)' },
              { value: 'aliyun', label: 'Aliyun SMS' },
              { value: 'tencent', label: 'Tencent Cloud SMS' },
            ],
          },
          { name: 'accessKeyId', label: 'Access key id (Aliyun) / SecretId (Tencent)', type: 'text' },
          ...sealedField('accessKeySecret', 'Access key secret'),
          { name: 'signName', label: 'Sign name', type: 'text' },
          { name: 'templateCode', label: 'Template code / template id', type: 'text' },
          { name: 'sdkAppId', label: 'SmsSdkAppId (Tencent)', type: 'text' },
          { name: 'region', label: 'Region (Tencent)', type: 'text', defaultValue: 'ap-guangzhou' },
          { name: 'endpoint', type: 'text', admin: { description: "Empty: the provider's public endpoint." } },
          count('codeTtlSeconds', 'Code valid for (seconds)', 300, 'A code works once, within this time.'),
          count('resendSeconds', 'Seconds between codes to one phone', 60, ''),
          count('perPhonePerDay', 'Codes per phone per day', 10, ''),
          count('perIpPerHour', 'Codes per IP per hour', 20, ''),
        ],
      },
      {
        name: 'wechat',
        label: 'WeChat Official Account',
        type: 'group',
        fields: [
          { name: 'appId', label: 'AppID', type: 'text' },
          ...sealedField('appSecret', 'AppSecret'),
          ...sealedField('token', 'Token'),
          { name: 'apiBaseUrl', label: 'API base URL', type: 'text', defaultValue: 'https://api.weixin.qq.com' },
          count('qrExpireSeconds', 'QR code valid for (seconds)', 600, ''),
        ],
      },
      {
        name: 'staff',
        type: 'group',
        fields: [
          {
            name: 'adminIpAllowList',
            label: 'Admin panel IP allow-list',
            type: 'text',
            hasMany: true,
            admin: { description: 'Addresses or CIDR ranges allowed to reach /admin and staff sign-in. Empty: any address.' },
          },
        ],
      },
    ],
  }
}
