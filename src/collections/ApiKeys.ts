import { randomBytes } from 'node:crypto'

import type { CollectionAfterOperationHook, CollectionBeforeChangeHook, CollectionConfig, PayloadRequest } from 'payload'

import { apiKeyCreatable } from '../access/organizations'
import { byMatrixOrOwner } from '../access/owner'
import { staffField } from '../access/staff'
import { relationId } from '../lib/relation'
import type { Secrets } from '../lib/secrets'
import { accountOf } from '../organizations/membership'
import { activeStatusField } from './fields'
import { refusal } from '../lib/payload-errors'

const KEY_PREFIX = 'sk-'
const CREATED_KEY = 'modelgate.createdApiKey'

/** 48 characters of [A-Za-z0-9]: 285 bits, in the `sk-…` shape OpenAI clients expect. */
export function generateApiKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  const bytes = randomBytes(64)
  let body = ''
  for (const byte of bytes) {
    // 248 = 4 × 62: rejecting higher bytes keeps every character equally likely.
    if (byte < 248) body += alphabet[byte % 62]
    if (body.length === 48) break
  }
  return KEY_PREFIX + body.padEnd(48, alphabet[bytes[0]! % 62])
}

/**
 * Who a new key belongs to: an organization's key to its account (create access has checked the
 * creator's role there), any other key a customer creates to that customer, and staff choose.
 */
async function keyOwner(req: PayloadRequest, data: Record<string, unknown>): Promise<unknown> {
  const organization = relationId(data.organization)
  if (organization) {
    const account = await accountOf({ payload: req.payload, req }, organization)
    if (!account) throw refusal('That organization does not exist.')
    return account
  }
  return req.user?.collection === 'users' ? req.user.id : data.owner
}

/**
 * A customer's key to the relay. The secret is generated on create, returned once in that
 * response, and stored only as an HMAC fingerprint.
 */
export function apiKeys(secrets: Secrets): CollectionConfig {
  const issueKey: CollectionBeforeChangeHook = async ({ data, operation, req }) => {
    if (operation !== 'create') {
      const { fingerprint: _f, prefix: _p, ...rest } = data
      return rest
    }
    const key = generateApiKey()
    req.context[CREATED_KEY] = key
    return { ...data, owner: await keyOwner(req, data), fingerprint: secrets.fingerprint(key), prefix: `${key.slice(0, 7)}…${key.slice(-4)}` }
  }

  const showKeyOnce: CollectionAfterOperationHook = ({ operation, req, result }) => {
    if (operation !== 'create' || !req.context[CREATED_KEY]) return result
    return { ...(result as object), key: req.context[CREATED_KEY] } as typeof result
  }

  return {
    slug: 'api-keys',
    labels: { singular: 'API key', plural: 'API keys' },
    admin: {
      useAsTitle: 'name',
      defaultColumns: ['name', 'owner', 'prefix', 'status', 'expiresAt', 'lastUsedAt'],
      group: 'Customers',
    },
    access: {
      read: byMatrixOrOwner('api-keys', 'read'),
      create: apiKeyCreatable,
      update: byMatrixOrOwner('api-keys', 'update'),
      delete: byMatrixOrOwner('api-keys', 'delete'),
    },
    hooks: { beforeChange: [issueKey], afterOperation: [showKeyOnce] },
    fields: [
      { name: 'name', type: 'text', required: true },
      {
        name: 'owner',
        type: 'relationship',
        relationTo: 'users',
        required: true,
        index: true,
        access: { update: staffField },
        admin: { description: "Customers own the keys they create; an organization's keys are owned by its account." },
      },
      {
        name: 'fingerprint',
        type: 'text',
        unique: true,
        index: true,
        custom: { secret: true },
        // Set by issueKey alone: it overwrites any submitted value on create and drops it on update.
        access: { read: () => false },
        admin: { hidden: true },
      },
      {
        name: 'organization',
        type: 'relationship',
        relationTo: 'organizations',
        index: true,
        access: { update: staffField },
        admin: { description: "Set: the key spends from the organization's wallet and is owned by its account." },
      },
      { name: 'prefix', label: 'Key', type: 'text', admin: { readOnly: true } },
      activeStatusField,
      { name: 'expiresAt', type: 'date', admin: { description: 'Empty: never expires.' } },
      {
        name: 'models',
        type: 'text',
        hasMany: true,
        admin: { description: 'Allowed model names or wildcards such as gpt-4o*. Empty: every model.' },
      },
      {
        name: 'ipAllowList',
        label: 'IP allow-list',
        type: 'text',
        hasMany: true,
        admin: { description: 'Addresses or CIDR ranges (IPv4 or IPv6). Empty: any address.' },
      },
      { name: 'rpmLimit', label: 'Requests per minute', type: 'number', min: 0, admin: { description: 'Empty: no limit.' } },
      { name: 'tpmLimit', label: 'Tokens per minute', type: 'number', min: 0, admin: { description: 'Empty: no limit.' } },
      { name: 'lastUsedAt', type: 'date', admin: { readOnly: true } },
    ],
  }
}
