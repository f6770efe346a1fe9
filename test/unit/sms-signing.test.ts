import { describe, expect, it } from '@jest/globals'

import { aliyunPercentEncode, aliyunPhoneNumber, aliyunSignature } from '../../src/auth/sms/aliyun'
import { tc3Authorization } from '../../src/auth/sms/tencent'

describe('Aliyun RPC signature', () => {
  it("matches the worked example in Aliyun's signature documentation", () => {
    const params = {
      Timestamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    }
    expect(aliyunSignature('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=')
  })

  it('leaves the Signature parameter out of what it signs', () => {
    const params = { Action: 'SendSms', AccessKeyId: 'testid' }
    expect(aliyunSignature('POST', { ...params, Signature: 'x' }, 's')).toBe(aliyunSignature('POST', params, 's'))
  })

  it('percent-encodes as RFC 3986, including what encodeURIComponent leaves alone', () => {
    expect(aliyunPercentEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29')
    expect(aliyunPercentEncode('{"code":"123456"}')).toBe('%7B%22code%22%3A%22123456%22%7D')
    expect(aliyunPercentEncode('阿里云')).toBe('%E9%98%BF%E9%87%8C%E4%BA%91')
  })

  it('sends mainland numbers without +86 and others without +', () => {
    expect(aliyunPhoneNumber('+8613800138000')).toBe('13800138000')
    expect(aliyunPhoneNumber('+85291234567')).toBe('85291234567')
  })
})

describe('Tencent Cloud TC3-HMAC-SHA256 signature', () => {
  it("matches the worked example in Tencent Cloud's signature v3 documentation", () => {
    const authorization = tc3Authorization({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******',
      service: 'cvm',
      host: 'cvm.tencentcloudapi.com',
      timestamp: 1551113065,
      payload: String.raw`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`,
    })
    expect(authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
    )
  })

  it('scopes the credential to the UTC date of the timestamp', () => {
    // 2019-02-25 23:59:59 UTC is already the 26th in Beijing.
    const request = { secretId: 'id', secretKey: 'key', service: 'sms', host: 'sms.tencentcloudapi.com', payload: '{}' }
    expect(tc3Authorization({ ...request, timestamp: 1551139199 })).toContain('Credential=id/2019-02-25/sms/tc3_request')
    expect(tc3Authorization({ ...request, timestamp: 1551139200 })).toContain('Credential=id/2019-02-26/sms/tc3_request')
  })
})
