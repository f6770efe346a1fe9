import type { CollectionConfig } from 'payload'

import { byMatrix, byMatrixOrSelf } from '../access/staff'
import { welcomeNewCustomer } from '../billing/registration'
import { keepCustomersWithBillingHistory } from '../hooks/keep-billing-history'
import { SIGN_IN_LOCKOUT } from './sign-in-lockout'

/** End users who chat in the app or call the API with their own keys. */
export const Users: CollectionConfig = {
  slug: 'users',
  labels: { singular: 'Customer', plural: 'Customers' },
  auth: { ...SIGN_IN_LOCKOUT },
  admin: {
    useAsTitle: 'email',
    defaultColumns: ['email', 'name', 'username', 'createdAt'],
    group: 'Customers',
  },
  access: {
    read: byMatrixOrSelf('users', 'read'),
    create: byMatrix('users', 'create'),
    update: byMatrixOrSelf('users', 'update'),
    delete: byMatrix('users', 'delete'),
  },
  hooks: { afterChange: [welcomeNewCustomer], beforeDelete: [keepCustomersWithBillingHistory] },
  fields: [
    { name: 'name', type: 'text' },
    { name: 'username', type: 'text', unique: true, index: true },
    { name: 'phone', type: 'text', unique: true, index: true },
    {
      name: 'locale',
      type: 'select',
      defaultValue: 'zh-CN',
      options: [
        { value: 'zh-CN', label: '简体中文' },
        { value: 'en', label: 'English' },
      ],
    },
  ],
}
