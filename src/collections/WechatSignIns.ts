import type { CollectionConfig } from 'payload'

import { nobody, superAdminOnly } from '../access/staff'

/** A WeChat QR sign-in in progress: the browser holds the scene, WeChat tells us who scanned it. */
export const WechatSignIns: CollectionConfig = {
  slug: 'wechat-sign-ins',
  labels: { singular: 'WeChat sign-in', plural: 'WeChat sign-ins' },
  admin: { hidden: true, useAsTitle: 'scene' },
  access: { read: superAdminOnly, create: nobody, update: nobody, delete: nobody },
  fields: [
    { name: 'scene', type: 'text', required: true, unique: true, index: true, custom: { secret: true } },
    { name: 'ticket', type: 'text' },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'pending',
      options: ['pending', 'signed-in', 'consumed', 'refused'].map((value) => ({ value, label: value })),
    },
    { name: 'openId', type: 'text' },
    { name: 'user', type: 'relationship', relationTo: 'users' },
    { name: 'reason', type: 'text' },
    // The referral code sent with the QR request, for the account the scan may create.
    { name: 'referral', type: 'text' },
    { name: 'expiresAt', type: 'date', required: true },
  ],
}
