'use client'

import { useCallback, useState, type JSX } from 'react'

import { useT } from '../i18n'
import { useApiData } from '../use-api-data'
import { Balances } from './Balances'
import { Coupons } from './Coupons'
import { PaymentDialog, usePayment } from './Payment'
import { PlansForSale } from './PlansForSale'
import { PlansInUse } from './PlansInUse'
import { RedeemForm } from './RedeemForm'
import { SpendingChart } from './SpendingChart'
import { strings } from './strings'
import { TopUp } from './TopUp'
import type { Billing, CheckoutRequest, WalletConfig } from './types'
import { UsageHistory } from './UsageHistory'
import '../panel-controls.css'
import './wallet.css'

/** The customer's money: what they have, how to add to it, what they bought and what they spent. */
export function WalletPanel(): JSX.Element {
  const t = useT(strings)
  const billing = useApiData<Billing>('/api/me/billing')
  const config = useApiData<WalletConfig>('/api/chat/config')
  const [coupon, setCoupon] = useState<string | null>(null)
  // A paid order used its coupon: show the balance and the coupons as they are now.
  const [paidOrders, setPaidOrders] = useState(0)
  const onPaid = useCallback(() => {
    billing.reload()
    setCoupon(null)
    setPaidOrders((n) => n + 1)
  }, [billing.reload])
  const payment = usePayment(onPaid)
  const checkout = useCallback((request: CheckoutRequest) => payment.checkout(coupon ? { ...request, couponGrant: coupon } : request), [payment.checkout, coupon])
  // Without the config there is no telling which channels work: offer what needs none.
  const channels = config.data?.channels ?? []
  const currency = config.data?.currency ?? ''

  return (
    <div className="wallet panel">
      {billing.error && !billing.data && <p role="alert" className="wallet-error">{t('loadFailed', { message: billing.error })}</p>}
      <Balances balances={billing.data?.balances} currency={currency} />
      {config.data && channels.length > 0 && <TopUp config={config.data} busy={payment.busy} onCheckout={checkout} />}
      {channels.length > 0 && <Coupons selected={coupon} onSelect={setCoupon} version={paidOrders} />}
      {payment.error && <p role="alert" className="wallet-error">{payment.error}</p>}
      <RedeemForm onRedeemed={billing.reload} />
      <PlansInUse subscriptions={billing.data?.subscriptions} />
      <PlansForSale available={billing.data?.balances.available} currency={currency} channels={channels} busy={payment.busy} onCheckout={checkout} onBought={billing.reload} />
      <SpendingChart currency={currency} />
      <UsageHistory />
      {payment.order && <PaymentDialog order={payment.order} currency={currency} onClose={payment.dismiss} />}
    </div>
  )
}
