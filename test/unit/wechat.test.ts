import { describe, expect, it } from '@jest/globals'

import { parseWechatMessage, scanOf } from '../../src/auth/wechat/events'
import { isSignedByWechat, wechatSignature } from '../../src/auth/wechat/signature'

const TOKEN = 'modelgate-token'
const NOW = 1_700_000_000_000
const TIMESTAMP = String(NOW / 1000)

describe('WeChat signature', () => {
  it('is the sha1 of token, timestamp and nonce sorted as strings and joined', () => {
    // sha1("1700000000482915modelgate-token"), computed outside this code.
    expect(wechatSignature(TOKEN, TIMESTAMP, '482915')).toBe('3984da05c48952a06b86652d0f6da0b234db1ea1')
  })

  it('accepts a call signed with the token within five minutes', () => {
    const signature = wechatSignature(TOKEN, TIMESTAMP, '482915')
    expect(isSignedByWechat(TOKEN, { signature, timestamp: TIMESTAMP, nonce: '482915' }, NOW)).toBe(true)
    expect(isSignedByWechat(TOKEN, { signature, timestamp: TIMESTAMP, nonce: '482915' }, NOW + 299_000)).toBe(true)
  })

  it('refuses another token, a changed nonce, an old or far-future timestamp and missing parts', () => {
    const signed = (timestamp: string) => ({ signature: wechatSignature(TOKEN, timestamp, '482915'), timestamp, nonce: '482915' })
    expect(isSignedByWechat('another-token', signed(TIMESTAMP), NOW)).toBe(false)
    expect(isSignedByWechat(TOKEN, { ...signed(TIMESTAMP), nonce: '482916' }, NOW)).toBe(false)
    expect(isSignedByWechat(TOKEN, signed(TIMESTAMP), NOW + 301_000)).toBe(false)
    expect(isSignedByWechat(TOKEN, signed(String(NOW / 1000 + 301)), NOW)).toBe(false)
    expect(isSignedByWechat(TOKEN, { ...signed(TIMESTAMP), signature: null }, NOW)).toBe(false)
    expect(isSignedByWechat(TOKEN, { ...signed(TIMESTAMP), signature: 'short' }, NOW)).toBe(false)
    expect(isSignedByWechat('', { signature: wechatSignature('', TIMESTAMP, '1'), timestamp: TIMESTAMP, nonce: '1' }, NOW)).toBe(false)
  })
})

const event = (fields: string) =>
  `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>\n<FromUserName><![CDATA[oOpenId123]]></FromUserName>\n<CreateTime>1700000000</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n${fields}</xml>`

describe('WeChat messages', () => {
  it('reads CDATA and plain fields, plain ones with entities decoded', () => {
    expect(parseWechatMessage(event('<Event><![CDATA[SCAN]]></Event><EventKey> a&amp;b&#60;&#x3e; </EventKey>'))).toEqual({
      ToUserName: 'gh_0123456789ab',
      FromUserName: 'oOpenId123',
      CreateTime: '1700000000',
      MsgType: 'event',
      Event: 'SCAN',
      EventKey: 'a&b<>',
    })
  })

  it('keeps CDATA as it is, markup included', () => {
    expect(parseWechatMessage('<xml><Content><![CDATA[<b>&amp;</b>]]></Content></xml>')).toEqual({ Content: '<b>&amp;</b>' })
  })

  it('is null for a body that is not a WeChat message', () => {
    expect(parseWechatMessage('')).toBeNull()
    expect(parseWechatMessage('{"Event":"SCAN"}')).toBeNull()
  })

  it('finds the scene of a scan that made someone follow, and of one by a follower', () => {
    const subscribe = parseWechatMessage(event('<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_abc-123]]></EventKey><Ticket><![CDATA[gQ1]]></Ticket>'))!
    expect(scanOf(subscribe)).toEqual({ openId: 'oOpenId123', scene: 'abc-123' })
    const scan = parseWechatMessage(event('<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[abc-123]]></EventKey><Ticket><![CDATA[gQ1]]></Ticket>'))!
    expect(scanOf(scan)).toEqual({ openId: 'oOpenId123', scene: 'abc-123' })
  })

  it('sees no scan in a follow without a code, an unfollow or a text message', () => {
    expect(scanOf(parseWechatMessage(event('<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey>'))!)).toBeNull()
    expect(scanOf(parseWechatMessage(event('<Event><![CDATA[unsubscribe]]></Event><EventKey><![CDATA[]]></EventKey>'))!)).toBeNull()
    expect(scanOf({ ToUserName: 'gh_0123456789ab', FromUserName: 'oOpenId123', MsgType: 'text', Content: 'qrscene_abc' })).toBeNull()
  })
})
