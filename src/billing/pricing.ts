/**
 * Prices and plan accounting: plain integer arithmetic on micro-units. Multipliers apply to the
 * counted tokens or characters (rounded up to whole units), never to money, so no amount of money
 * is ever a fraction.
 */

export type ModelPrices = {
  /** Per 1M tokens, in micro-units. */
  input: number
  output: number
  cachedInput: number
  /** Per request and per 1,000 characters, in micro-units. */
  request: number
  characters: number
  /** What the supplier charges per 1M tokens, for margins. */
  supplierCost: number
  inputMultiplier: number
  outputMultiplier: number
}

export const FREE: ModelPrices = {
  input: 0,
  output: 0,
  cachedInput: 0,
  request: 0,
  characters: 0,
  supplierCost: 0,
  inputMultiplier: 1,
  outputMultiplier: 1,
}

export type Usage = {
  promptTokens: number
  completionTokens: number
  cachedTokens: number
  /** Input and output characters, for character-priced models and meters. */
  inputCharacters: number
  outputCharacters: number
}

export type Meter = 'requests' | 'tokens' | 'characters'

export type Price = { charge: number; cost: number; margin: number }

const ceilDiv = (a: number, b: number) => Math.ceil(a / b)
const scaled = (count: number, multiplier: number) => Math.ceil(count * multiplier)

export function isFree(prices: ModelPrices): boolean {
  return prices.input === 0 && prices.output === 0 && prices.cachedInput === 0 && prices.request === 0 && prices.characters === 0
}

/**
 * What a request costs the customer, with the tier's multiplier (1 when the account has none).
 * Cached input tokens are part of the prompt count and priced at the cached rate instead.
 */
export function priceUsage(prices: ModelPrices, usage: Usage, tierMultiplier = 1): Price {
  const inMult = prices.inputMultiplier * tierMultiplier
  const outMult = prices.outputMultiplier * tierMultiplier
  const cached = Math.min(usage.cachedTokens, usage.promptTokens)
  const perMillion =
    scaled(usage.promptTokens - cached, inMult) * prices.input +
    scaled(cached, inMult) * prices.cachedInput +
    scaled(usage.completionTokens, outMult) * prices.output
  const perThousandChars = (scaled(usage.inputCharacters, inMult) + scaled(usage.outputCharacters, outMult)) * prices.characters
  const charge = ceilDiv(perMillion, 1_000_000) + ceilDiv(perThousandChars, 1000) + prices.request
  const cost = ceilDiv((usage.promptTokens + usage.completionTokens) * prices.supplierCost, 1_000_000)
  return { charge, cost, margin: charge - cost }
}

/** How much of a plan resource a request uses: one request, or its input and output after multipliers. */
export function planUnits(meter: Meter, prices: Pick<ModelPrices, 'inputMultiplier' | 'outputMultiplier'>, usage: Usage): number {
  if (meter === 'requests') return 1
  if (meter === 'tokens') return scaled(usage.promptTokens, prices.inputMultiplier) + scaled(usage.completionTokens, prices.outputMultiplier)
  return scaled(usage.inputCharacters, prices.inputMultiplier) + scaled(usage.outputCharacters, prices.outputMultiplier)
}

/**
 * The most a request can use before it is sent: its prompt (characters bound its tokens from
 * above for the tokenizers in use) plus the output it allows.
 */
export function estimateUsage(promptCharacters: number, maxOutputTokens: number): Usage {
  return {
    promptTokens: promptCharacters,
    completionTokens: maxOutputTokens,
    cachedTokens: 0,
    inputCharacters: promptCharacters,
    // A token is rarely more than four characters of text.
    outputCharacters: maxOutputTokens * 4,
  }
}
