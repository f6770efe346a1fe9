import { describe, expect, it } from '@jest/globals'

import { ClientSignal } from '../../src/relay/client-signal'

describe('client signal', () => {
  it('aborts once, with an AbortError unless given a reason', () => {
    const signal = new ClientSignal()
    let heard = 0
    signal.addEventListener('abort', () => heard++)
    expect(() => signal.throwIfAborted()).not.toThrow()
    signal.abort()
    signal.abort(new Error('again'))
    expect(signal.aborted).toBe(true)
    expect(heard).toBe(1)
    expect((signal.reason as DOMException).name).toBe('AbortError')
    expect(() => signal.throwIfAborted()).toThrow(/aborted/)
  })

  it('keeps EventTarget’s once and removal', () => {
    const signal = new ClientSignal()
    const calls: string[] = []
    const removed = () => calls.push('removed')
    signal.addEventListener('abort', () => calls.push('once'), { once: true })
    signal.addEventListener('abort', removed)
    signal.removeEventListener('abort', removed)
    signal.abort()
    signal.emit('abort')
    expect(calls).toEqual(['once'])
  })
})
