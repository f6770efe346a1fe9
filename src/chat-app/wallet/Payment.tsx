'use client'

import { useCallback, useEffect, useId, useRef, useState } from 'react'

import { api, money } from '../api'
import { useT } from '../i18n'
import { strings } from './strings'
import type { CheckoutRequest, Order } from './types'

const POLL_MS = 2000

/**
 * Places an order with a payment channel and watches it: every 2 s until the channel's callback
 * has marked it paid (then `onPaid`, to show the new balance) or it was closed.
 */
export function usePayment(onPaid: () => void) {
  const [order, setOrder] = useState<Order | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const checkout = useCallback(async (request: CheckoutRequest) => {
    setBusy(true)
    setError(null)
    try {
      const { order: placed } = await api<{ order: Order }>('/api/orders/checkout', { method: 'POST', json: request })
      setOrder(placed)
      // A QR code is shown here; a payment page opens beside the app (the dialog links it too, for blocked pop-ups).
      if (placed.payUrl && !placed.qrCode) window.open(placed.payUrl, '_blank', 'noopener')
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setBusy(false)
    }
  }, [])

  const pendingId = order?.status === 'pending' ? order.id : null
  useEffect(() => {
    if (!pendingId) return
    let timer: ReturnType<typeof setTimeout>
    const controller = new AbortController()
    // One request at a time: the next waits for the answer, however slow.
    const poll = async () => {
      try {
        const { status } = await api<Order>(`/api/orders/${pendingId}?depth=0`, { signal: controller.signal })
        if (status !== 'pending') {
          setOrder((current) => (current?.id === pendingId ? { ...current, status } : current))
          if (status === 'paid') onPaid()
          return
        }
      } catch {
        if (controller.signal.aborted) return
        // A dropped connection: the next round asks again.
      }
      timer = setTimeout(poll, POLL_MS)
    }
    timer = setTimeout(poll, POLL_MS)
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [pendingId, onPaid])

  const dismiss = useCallback(() => setOrder(null), [])
  return { order, busy, error, checkout, dismiss }
}

/** Where to pay (a QR code to scan and/or a link) and whether the payment has arrived. */
export function PaymentDialog({ order, currency, onClose }: { order: Order; currency: string; onClose: () => void }) {
  const t = useT(strings)
  const title = useId()
  const dialog = useRef<HTMLDialogElement>(null)
  const [qrImage, setQrImage] = useState<string | null>(null)

  useEffect(() => {
    dialog.current?.showModal()
  }, [])

  useEffect(() => {
    if (!order.qrCode) return
    let live = true
    // Loaded when a QR code is to be drawn: most visits to the wallet never need it.
    void import('qrcode').then(({ default: QRCode }) => QRCode.toDataURL(order.qrCode!, { margin: 1, width: 240 })).then((url) => live && setQrImage(url))
    return () => {
      live = false
    }
  }, [order.qrCode])

  const status = order.status === 'pending' ? t('waiting') : order.status === 'paid' ? t('paid') : t('orderClosed')
  return (
    <dialog ref={dialog} className="wallet-dialog panel" aria-labelledby={title} onClose={onClose}>
      <h2 id={title}>{t('payTitle', { amount: `${money(order.payable)} ${currency}`.trim() })}</h2>
      <p className="wallet-hint">{t('orderNumber', { number: order.number })}</p>
      {order.status === 'pending' && order.qrCode && (
        <div className="wallet-qr">{qrImage ? <img src={qrImage} width={240} height={240} alt={t('qrAlt')} /> : <span>{t('loading')}</span>}</div>
      )}
      {order.status === 'pending' && order.payUrl && (
        <p>
          <a href={order.payUrl} target="_blank" rel="noopener noreferrer">
            {t('openPayPage')}
          </a>
        </p>
      )}
      <p role="status" className={order.status === 'paid' ? 'wallet-success' : undefined}>
        {status}
      </p>
      <form method="dialog">
        <button type="submit">{order.status === 'pending' ? t('cancel') : t('close')}</button>
      </form>
    </dialog>
  )
}
