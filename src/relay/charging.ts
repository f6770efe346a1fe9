import { NoFunds, PlanRateLimited, type Hold } from '../billing/holds'
import { planUnits, priceUsage, type ModelPrices, type Usage } from '../billing/pricing'
import type { Progress, RequestToReserve } from '../billing/service'
import { RelayError } from './errors'
import type { MeteredUsage, UsageMeter } from './meter'
import { RateLimitError } from './rate-limit'
import type { OpenAIMessage } from './translate/openai-types'

/** What the relay needs from billing: a reservation before the upstream call. */
export type BillingPort = {
  reserve(input: RequestToReserve, progress: Progress): Promise<Hold>
}

/** Images and other non-text parts count as this many characters in the prompt estimate. */
const NON_TEXT_PART_CHARACTERS = 3000

/** Characters of a prompt: text as sent, every image or file as a fixed allowance. */
export function promptCharacters(messages: OpenAIMessage[], extra = ''): number {
  let total = extra.length
  for (const message of messages) {
    if (typeof message.content === 'string') total += message.content.length
    else if (Array.isArray(message.content)) {
      for (const part of message.content) total += part.type === 'text' ? String((part as { text: string }).text).length : NON_TEXT_PART_CHARACTERS
    }
    if (message.tool_calls) total += JSON.stringify(message.tool_calls).length
  }
  return total
}

export function toUsage(metered: MeteredUsage, inputCharacters: number): Usage {
  return {
    promptTokens: metered.promptTokens,
    completionTokens: metered.completionTokens,
    cachedTokens: metered.cachedTokens,
    inputCharacters,
    outputCharacters: metered.characters,
  }
}

/** The relay's answer when billing refuses a request: 429 before anything goes upstream. */
export function refusal(error: unknown): unknown {
  if (error instanceof NoFunds) return new RelayError(429, error.message, 'insufficient_quota', 'insufficient_quota')
  if (error instanceof PlanRateLimited) return new RateLimitError(error.message, 'requests', error.retryAfterSeconds)
  return error
}

export type Charging = {
  hold: Hold
  prices: ModelPrices
  tierMultiplier: number
  inputCharacters: number
}

/** What a metered request has delivered so far, priced: kept on the reservation for crash recovery. */
export function progressOf(charging: () => Charging | undefined, meter: UsageMeter): Progress {
  return () => {
    const current = charging()
    if (!current || !meter.delivered()) return { charge: 0, units: 0 }
    const usage = toUsage(meter.result(), current.inputCharacters)
    const { target } = current.hold
    return {
      charge: priceUsage(current.prices, usage, current.tierMultiplier).charge,
      units: target.kind === 'plan' ? planUnits(target.meter, current.prices, usage) : 0,
    }
  }
}
