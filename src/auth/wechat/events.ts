/**
 * The XML WeChat posts to our server URL: one flat `<xml>` element whose children hold text,
 * CDATA or plain (`<CreateTime>123</CreateTime>`).
 */
export type WechatMessage = Record<string, string>

const FIELD = /<([A-Za-z_][\w.-]*)>\s*(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))\s*<\/\1>/g

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decodeEntity(_: string, name: string): string {
  if (!name.startsWith('#')) return ENTITIES[name]!
  const hex = name[1] === 'x'
  return String.fromCodePoint(Number.parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10))
}

const decodeEntities = (text: string) => text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, decodeEntity)

/** The message's fields by tag name; null when the body is not a WeChat message. */
export function parseWechatMessage(xml: string): WechatMessage | null {
  const body = /<xml>([\s\S]*)<\/xml>/.exec(xml)?.[1]
  if (body === undefined) return null
  const message: WechatMessage = {}
  for (const [, tag, cdata, plain] of body.matchAll(FIELD)) message[tag!] = cdata ?? decodeEntities(plain!.trim())
  return message
}

/** Someone scanned one of our QR codes: `openId` is who, `scene` which code. */
export type WechatScan = { openId: string; scene: string }

/**
 * A scan of a QR code with a scene: a `subscribe` event when the scan made them follow the
 * account (EventKey `qrscene_<scene>`), a `SCAN` event when they already followed it
 * (EventKey `<scene>`). Any other message, or a follow without a code, is not a scan.
 */
export function scanOf(message: WechatMessage): WechatScan | null {
  const { MsgType, Event, EventKey, FromUserName } = message
  if (MsgType !== 'event' || !FromUserName || !EventKey) return null
  if (Event === 'subscribe' && EventKey.startsWith('qrscene_')) return { openId: FromUserName, scene: EventKey.slice('qrscene_'.length) }
  if (Event === 'SCAN') return { openId: FromUserName, scene: EventKey }
  return null
}
