import type { CollectionConfig } from 'payload'

import { byMatrix, byMatrixOrSelf, staffField } from '../access/staff'
import { customerSignUp } from '../access/sign-up'
import { customerMail } from '../auth/mail'
import { checkSignUp, enforcePasswordPolicy, prepareSignUp, refuseCustomerSignIn, revokeSessionsOnFreeze, staffOrSignUp } from '../auth/customer-hooks'
import { welcomeNewCustomer } from '../billing/registration'
import { verifyEmailEndpoint } from '../endpoints/verify-email'
import { auditStaffView } from '../hooks/audit'
import { keepCustomersWithBillingHistory } from '../hooks/keep-billing-history'
import { secondFactorFields } from './second-factor'
import { SIGN_IN_LOCKOUT } from './sign-in-lockout'

/** End users who chat in the app or call the API with their own keys. */
export const Users: CollectionConfig = {
  slug: 'users',
  labels: { singular: 'Customer', plural: 'Customers' },
  auth: {
    ...SIGN_IN_LOCKOUT,
    verify: customerMail.verify,
    forgotPassword: customerMail.forgotPassword,
    // Phone and WeChat accounts get a username instead of an email; email accounts may add one.
    loginWithUsername: { allowEmailLogin: true, requireEmail: false, requireUsername: false },
  },
  admin: {
    useAsTitle: 'email',
    defaultColumns: ['email', 'name', 'username', 'phone', 'frozen', 'createdAt'],
    group: 'Customers',
    components: {
      edit: {
        SaveButton: {
          path: '/components/admin/ConfirmSensitiveSave#ConfirmSensitiveSave',
          clientProps: {
            confirm: [{ field: 'frozen', question: 'Freeze or unfreeze this customer? A frozen customer is signed out at once and their API keys stop working.' }],
          },
        },
      },
    },
  },
  access: {
    read: byMatrixOrSelf('users', 'read'),
    create: customerSignUp,
    update: byMatrixOrSelf('users', 'update'),
    delete: byMatrix('users', 'delete'),
  },
  endpoints: [verifyEmailEndpoint],
  hooks: {
    beforeOperation: [enforcePasswordPolicy, prepareSignUp],
    beforeChange: [checkSignUp],
    afterChange: [welcomeNewCustomer, revokeSessionsOnFreeze],
    beforeDelete: [keepCustomersWithBillingHistory],
    afterOperation: [auditStaffView],
    beforeLogin: [refuseCustomerSignIn],
  },
  fields: [
    {
      // Staff may register members already verified; a customer can never set it.
      name: '_verified',
      type: 'checkbox',
      access: { create: staffOrSignUp, update: staffField },
    },
    { name: 'name', type: 'text' },
    { name: 'phone', type: 'text', unique: true, index: true, access: { update: staffField } },
    {
      name: 'locale',
      type: 'select',
      defaultValue: 'zh-CN',
      options: [
        { value: 'zh-CN', label: '简体中文' },
        { value: 'en', label: 'English' },
      ],
    },
    {
      name: 'accountType',
      type: 'select',
      defaultValue: 'person',
      options: [
        { value: 'person', label: 'Person' },
        { value: 'organization', label: "Organization's account" },
      ],
      access: { create: () => false, update: () => false },
      admin: { readOnly: true, position: 'sidebar' },
    },
    { name: 'wechatOpenId', label: 'WeChat openid', type: 'text', unique: true, index: true, access: { create: staffField, update: staffField }, admin: { readOnly: true } },
    {
      name: 'frozen',
      type: 'checkbox',
      defaultValue: false,
      access: { create: staffField, update: staffField },
      admin: { position: 'sidebar', description: 'A frozen customer cannot sign in or use their API keys.' },
    },
    { name: 'frozenReason', type: 'text', access: { create: staffField, update: staffField }, admin: { position: 'sidebar', condition: (data) => Boolean(data?.frozen) } },
    { name: 'referralCode', type: 'text', unique: true, index: true, access: { create: staffOrSignUp, update: () => false }, admin: { readOnly: true } },
    { name: 'referredBy', type: 'relationship', relationTo: 'users', access: { create: staffOrSignUp, update: staffField }, admin: { readOnly: true } },
    {
      // A sign-up's referral code; checkSignUp turns it into referredBy.
      name: 'referral',
      type: 'text',
      virtual: true,
      admin: { hidden: true },
    },
    ...secondFactorFields,
  ],
}
