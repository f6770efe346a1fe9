import type { Strings } from '../i18n'

export const strings: Strings<
  | 'loadFailed'
  | 'balances'
  | 'available'
  | 'cash'
  | 'gift'
  | 'credit'
  | 'creditLimit'
  | 'reserved'
  | 'topUp'
  | 'amount'
  | 'customAmount'
  | 'customAmountLabel'
  | 'amount_invalid'
  | 'amount_zero'
  | 'amount_minimum'
  | 'minimumHint'
  | 'payWith'
  | 'payTitle'
  | 'orderNumber'
  | 'qrAlt'
  | 'loading'
  | 'openPayPage'
  | 'waiting'
  | 'paid'
  | 'orderClosed'
  | 'cancel'
  | 'close'
  | 'redeemTitle'
  | 'redeemCode'
  | 'redeem'
  | 'redeemed'
  | 'plansInUse'
  | 'plan'
  | 'expires'
  | 'unlimited'
  | 'remainingOf'
  | 'meter_requests'
  | 'meter_tokens'
  | 'meter_characters'
  | 'plansForSale'
  | 'untilUsedUp'
  | 'buyWithBalance'
  | 'confirmBuy'
  | 'bought'
  | 'notEnough'
  | 'spendingTitle'
  | 'spendingSummary'
  | 'spendingTotal'
  | 'highest'
  | 'usageTitle'
  | 'noUsage'
  | 'time'
  | 'model'
  | 'tokens'
  | 'tokensInOut'
  | 'charge'
  | 'usagePages'
  | 'previous'
  | 'next'
  | 'pageOf'
  | 'coupons'
  | 'couponCode'
  | 'claim'
  | 'claimed'
  | 'noCoupon'
  | 'couponUse'
  | 'couponFixed'
  | 'couponPercent'
  | 'couponMinimum'
> = {
  'zh-CN': {
    coupons: '优惠券',
    couponCode: '优惠码',
    claim: '领取',
    claimed: '已领取 {name}。',
    noCoupon: '不使用优惠券',
    couponUse: '下一次支付使用',
    couponFixed: '减 {amount}',
    couponPercent: '{percent}% 折扣',
    couponMinimum: '满 {amount} 可用',
    loadFailed: '无法加载钱包：{message}',
    balances: '余额',
    available: '可用',
    cash: '现金',
    gift: '赠送',
    credit: '信用',
    creditLimit: '（额度 {limit}）',
    reserved: '{amount} 正被进行中的请求占用。',
    topUp: '充值',
    amount: '金额',
    customAmount: '自定义',
    customAmountLabel: '充值金额（{currency}）',
    amount_invalid: '请输入金额，最多两位小数。',
    amount_zero: '金额须大于 0。',
    amount_minimum: '自定义充值最少 {minimum}。',
    minimumHint: '自定义充值最少 {minimum}。',
    payWith: '使用{channel}支付',
    payTitle: '支付 {amount}',
    orderNumber: '订单号 {number}',
    qrAlt: '扫码支付',
    loading: '加载中…',
    openPayPage: '打开支付页面',
    waiting: '等待支付…支付完成后此处会自动更新。',
    paid: '支付成功，余额已更新。',
    orderClosed: '订单已关闭，未扣款。',
    cancel: '取消',
    close: '关闭',
    redeemTitle: '卡密兑换',
    redeemCode: '兑换码',
    redeem: '兑换',
    redeemed: '兑换成功。',
    plansInUse: '我的套餐',
    plan: '套餐',
    expires: '{date} 到期',
    unlimited: '不限量',
    remainingOf: '剩余 {remaining} / {limit} {meter}',
    meter_requests: '次',
    meter_tokens: 'tokens',
    meter_characters: '字符',
    plansForSale: '购买套餐',
    untilUsedUp: '用完为止',
    buyWithBalance: '用余额购买',
    confirmBuy: '确认支付 {amount}',
    bought: '已购买 {plan}。',
    notEnough: '余额不足，可先充值。',
    spendingTitle: '近 14 天消费',
    spendingSummary: '近 14 天消费柱状图：共 {total}，单日最高 {highest}。',
    spendingTotal: '共 {total}',
    highest: '最高 {amount}',
    usageTitle: '使用记录',
    noUsage: '还没有使用记录。',
    time: '时间',
    model: '模型',
    tokens: 'Tokens（入 / 出）',
    tokensInOut: '{input} / {output}',
    charge: '费用',
    usagePages: '使用记录分页',
    previous: '上一页',
    next: '下一页',
    pageOf: '第 {page} / {pages} 页',
  },
  en: {
    coupons: 'Coupons',
    couponCode: 'Coupon code',
    claim: 'Claim',
    claimed: 'Claimed {name}.',
    noCoupon: 'No coupon',
    couponUse: 'Use with the next payment',
    couponFixed: '{amount} off',
    couponPercent: '{percent}% off',
    couponMinimum: 'on orders from {amount}',
    loadFailed: 'The wallet could not be loaded: {message}',
    balances: 'Balance',
    available: 'Available',
    cash: 'Cash',
    gift: 'Gift',
    credit: 'Credit',
    creditLimit: '(limit {limit})',
    reserved: '{amount} is held for requests in progress.',
    topUp: 'Top up',
    amount: 'Amount',
    customAmount: 'Other amount',
    customAmountLabel: 'Amount ({currency})',
    amount_invalid: 'Enter an amount with at most two decimals.',
    amount_zero: 'The amount must be more than 0.',
    amount_minimum: 'The smallest custom top-up is {minimum}.',
    minimumHint: 'Custom top-ups from {minimum}.',
    payWith: 'Pay with {channel}',
    payTitle: 'Pay {amount}',
    orderNumber: 'Order {number}',
    qrAlt: 'QR code to scan and pay',
    loading: 'Loading…',
    openPayPage: 'Open the payment page',
    waiting: 'Waiting for the payment… This updates by itself once you have paid.',
    paid: 'Paid. Your balance is updated.',
    orderClosed: 'This order was closed; nothing was charged.',
    cancel: 'Cancel',
    close: 'Close',
    redeemTitle: 'Redeem a code',
    redeemCode: 'Redemption code',
    redeem: 'Redeem',
    redeemed: 'Code redeemed.',
    plansInUse: 'Your plans',
    plan: 'Plan',
    expires: 'Expires {date}',
    unlimited: 'Unlimited',
    remainingOf: '{remaining} of {limit} {meter} left',
    meter_requests: 'requests',
    meter_tokens: 'tokens',
    meter_characters: 'characters',
    plansForSale: 'Plans',
    untilUsedUp: 'until used up',
    buyWithBalance: 'Buy with balance',
    confirmBuy: 'Confirm: pay {amount}',
    bought: 'You bought {plan}.',
    notEnough: 'Your balance is not enough; top up first.',
    spendingTitle: 'Spending, last 14 days',
    spendingSummary: 'Bar chart of the last 14 days’ spending: {total} in all, at most {highest} a day.',
    spendingTotal: '{total} in all',
    highest: 'Peak {amount}',
    usageTitle: 'Usage',
    noUsage: 'No usage yet.',
    time: 'Time',
    model: 'Model',
    tokens: 'Tokens (in / out)',
    tokensInOut: '{input} / {output}',
    charge: 'Charge',
    usagePages: 'Usage pages',
    previous: 'Previous',
    next: 'Next',
    pageOf: 'Page {page} of {pages}',
  },
}
