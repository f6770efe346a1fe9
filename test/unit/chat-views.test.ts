import { describe, expect, it } from '@jest/globals'

import { curlExample, relayBaseUrl } from '../../src/chat-app/developer/model'
import { applyTemplate, extractVariables, fieldsOf, fillTemplate, groupTemplates, richTextToPlain, type PromptTemplate } from '../../src/chat-app/templates/model'
import { idempotencyKey, localDay, parseAmount, spendingByDay, topUpProblem, windowStart } from '../../src/chat-app/wallet/model'

describe('template variables', () => {
  it('finds each {{variable}} once, in order, spaces and Chinese names allowed', () => {
    expect(extractVariables('Translate {{ text }} into {{language}}; keep {{text}} short.')).toEqual(['text', 'language'])
    expect(extractVariables('把{{原文}}翻译成{{语言}}')).toEqual(['原文', '语言'])
    expect(extractVariables('No variables, {single} braces, {{}} empty.')).toEqual([])
  })

  it('fills the variables given and leaves the others as written', () => {
    expect(fillTemplate('Hi {{ name }}, {{name}}! {{other}}', { name: 'Ada' })).toBe('Hi Ada, Ada! {{other}}')
    // A value that looks like a replacement pattern is inserted as it is.
    expect(fillTemplate('{{a}}', { a: '$& {{b}}' })).toBe('$& {{b}}')
    expect(fillTemplate('{{a}}', { a: '' })).toBe('')
  })

  const template: PromptTemplate = {
    id: '1',
    title: 'Translate',
    systemPrompt: 'You translate into {{language}}.',
    userPrompt: 'Translate into {{language}}:\n{{text}}',
    variables: [{ name: 'text', label: 'Text to translate' }, { name: 'unused', label: 'Never asked' }],
  }

  it('asks for the user prompt’s variables, labelled as the template says or by name', () => {
    expect(fieldsOf(template)).toEqual([
      { name: 'language', label: 'language' },
      { name: 'text', label: 'Text to translate' },
    ])
    expect(fieldsOf({ id: '2', title: 'Plain', userPrompt: null })).toEqual([])
  })

  it('fills both prompts', () => {
    expect(applyTemplate(template, { language: 'French', text: 'Good morning' })).toEqual({
      systemPrompt: 'You translate into French.',
      userPrompt: 'Translate into French:\nGood morning',
    })
  })
})

describe('template groups', () => {
  const t = (id: string, title: string, order: number | null, category?: string | null): PromptTemplate => ({ id, title, order, category })

  it('groups by category in template order, the first template placing its category', () => {
    const groups = groupTemplates([t('a', 'Email', 3, 'Writing'), t('b', 'Debug', 1, 'Code'), t('c', 'Essay', 2, 'Writing'), t('d', 'Review', 4, 'Code'), t('e', 'Misc', 0, ' ')], 'Other')
    expect(groups.map((group) => [group.category, group.templates.map((template) => template.id)])).toEqual([
      ['Other', ['e']],
      ['Code', ['b', 'd']],
      ['Writing', ['c', 'a']],
    ])
  })

  it('breaks ties in order by title', () => {
    expect(groupTemplates([t('a', 'Zeta', null, 'X'), t('b', 'Alpha', null, 'X')], 'Other')[0]!.templates.map((template) => template.title)).toEqual(['Alpha', 'Zeta'])
  })
})

describe('rich-text descriptions', () => {
  const text = (value: string) => ({ type: 'text', text: value })
  it('reads the words of a Lexical value, a line per block', () => {
    const value = {
      root: {
        type: 'root',
        children: [
          { type: 'heading', children: [text('Title')] },
          { type: 'paragraph', children: [text('Hello '), { type: 'link', children: [text('world')] }, { type: 'linebreak' }, text('again')] },
          { type: 'list', children: [{ type: 'listitem', children: [text('one')] }, { type: 'listitem', children: [text('two')] }] },
        ],
      },
    }
    expect(richTextToPlain(value)).toBe('Title\nHello world\nagain\none\ntwo')
  })

  it('passes plain text through and reads nothing else', () => {
    expect(richTextToPlain('Already plain')).toBe('Already plain')
    expect(richTextToPlain(null)).toBe('')
    expect(richTextToPlain({ nothing: true })).toBe('')
  })
})

describe('top-up amounts', () => {
  it('reads units with up to two decimals as micro-units', () => {
    expect(parseAmount('50')).toBe(50_000_000)
    expect(parseAmount(' 12.5 ')).toBe(12_500_000)
    expect(parseAmount('0.01')).toBe(10_000)
    expect(parseAmount('0.1')).toBe(100_000)
    expect(parseAmount('19.99')).toBe(19_990_000)
  })

  it('refuses what is not an amount in whole cents', () => {
    for (const input of ['', ' ', 'abc', '-5', '1.234', '1.', '.5', '1e3', '1,5', '12 5', '99999999999999']) expect(parseAmount(input)).toBeNull()
  })

  const rules = { presets: [10, 50, 0.5], minimum: 20_000_000 }
  it('allows presets whatever the minimum, other amounts from the minimum up', () => {
    expect(topUpProblem(10_000_000, rules)).toBeNull()
    expect(topUpProblem(500_000, rules)).toBeNull()
    expect(topUpProblem(20_000_000, rules)).toBeNull()
    expect(topUpProblem(15_000_000, rules)).toBe('minimum')
    expect(topUpProblem(0, rules)).toBe('zero')
    expect(topUpProblem(null, rules)).toBe('invalid')
    expect(topUpProblem(1, { presets: [], minimum: 0 })).toBeNull()
  })
})

describe('spending by day', () => {
  const local = (day: number, hour: number) => new Date(2026, 2, day, hour).toISOString()

  it('sums charges per local day over the last 14 days, oldest first, empty days as zero', () => {
    const now = new Date(2026, 2, 20, 9)
    const days = spendingByDay(
      [
        { createdAt: local(20, 8), charge: 300 },
        { createdAt: local(20, 0), charge: 200 },
        { createdAt: local(7, 23), charge: 50 },
        { createdAt: local(6, 23), charge: 999 },
        { createdAt: local(10, 12), charge: null },
        { createdAt: local(21, 1), charge: 7 },
      ],
      now,
    )
    expect(days).toHaveLength(14)
    expect(days[0]).toEqual({ day: '2026-03-07', total: 50 })
    expect(days[13]).toEqual({ day: '2026-03-20', total: 500 })
    expect(days.reduce((sum, day) => sum + day.total, 0)).toBe(550)
  })

  it('crosses month ends and starts the window at local midnight', () => {
    const now = new Date(2026, 2, 3, 15)
    expect(windowStart(now, 14)).toEqual(new Date(2026, 1, 18))
    expect(spendingByDay([], now).map((day) => day.day).slice(0, 2)).toEqual(['2026-02-18', '2026-02-19'])
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05')
  })
})

describe('what the developer page writes out', () => {
  it('points clients at /v1 of this site', () => {
    expect(relayBaseUrl('https://ai.example.com')).toBe('https://ai.example.com/v1')
    expect(relayBaseUrl('http://localhost:3000/')).toBe('http://localhost:3000/v1')
  })

  it('writes a curl command whose body the shell passes through unchanged', () => {
    const command = curlExample('https://ai.example.com/v1', "o'model", '$MODELGATE_API_KEY')
    expect(command.split('\n')[0]).toBe('curl https://ai.example.com/v1/chat/completions \\')
    expect(command).toContain('-H "Authorization: Bearer $MODELGATE_API_KEY"')
    const quoted = command.slice(command.indexOf("-d '") + 3)
    // Undo the shell's quoting: '…'\''…' is one word.
    const body = quoted.slice(1, -1).replace(/'\\''/g, "'")
    expect(JSON.parse(body)).toEqual({ model: "o'model", messages: [{ role: 'user', content: 'Hello!' }] })
  })
})

describe('idempotency keys', () => {
  it('are 32 hex characters, new each time', () => {
    const key = idempotencyKey()
    expect(key).toMatch(/^[0-9a-f]{32}$/)
    expect(idempotencyKey()).not.toBe(key)
  })
})
