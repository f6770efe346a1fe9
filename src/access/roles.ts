export const STAFF_ROLES = ['super-admin', 'operator', 'finance', 'auditor', 'editor'] as const
export type StaffRole = (typeof STAFF_ROLES)[number]

export const ROLE_LABELS: Record<StaffRole, string> = {
  'super-admin': 'Super admin',
  operator: 'Operator',
  finance: 'Finance',
  auditor: 'Auditor',
  editor: 'Editor',
}

export const ACTIONS = ['read', 'create', 'update', 'delete', 'export'] as const
export type Action = (typeof ACTIONS)[number]
