'use client'

import { SaveButton, useFormFields } from '@payloadcms/ui'
import type { MouseEvent } from 'react'

type Props = {
  /** Fields whose change must be confirmed before saving, with what to ask. */
  confirm: { field: string; question: string }[]
}

/**
 * The edit view's Save button, asking first when a sensitive field (freezing a customer, a staff
 * role) was changed: such changes are easy to make by mistake and hard on the person affected.
 */
export function ConfirmSensitiveSave({ confirm }: Props) {
  const changed = useFormFields(([fields]) =>
    confirm.filter(({ field }) => fields[field] && JSON.stringify(fields[field]!.value ?? null) !== JSON.stringify(fields[field]!.initialValue ?? null)),
  )
  const ask = (event: MouseEvent) => {
    if (changed.length === 0) return
    if (!window.confirm(changed.map((c) => c.question).join('\n\n'))) {
      event.preventDefault()
      event.stopPropagation()
    }
  }
  return (
    <div onClickCapture={ask} style={{ display: 'contents' }}>
      <SaveButton />
    </div>
  )
}
