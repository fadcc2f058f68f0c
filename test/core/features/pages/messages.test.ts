// The four locale tables of the pages: every key everywhere, the same placeholders, nothing left empty or untranslated by accident.
import { describe, expect, test } from 'vitest'
import {
  createMessages,
  MESSAGES,
  pickLocale,
  placeholders,
} from '../../../../src/core/features/pages/messages/index.js'
import { PAGE_LOCALES } from '../../../../src/core/kit/pages-options.js'

const KEYS = Object.keys(MESSAGES.en).sort()

describe.each(PAGE_LOCALES)('%s', (locale) => {
  const table = MESSAGES[locale] as Record<string, string>

  test('has exactly the keys of en', () => {
    expect(Object.keys(table).sort()).toEqual(KEYS)
  })

  test('keeps the placeholders of en, and no string is empty', () => {
    for (const key of KEYS) {
      expect(table[key]?.trim(), key).not.toBe('')
      expect(placeholders(table[key] as string), key).toEqual(
        placeholders((MESSAGES.en as Record<string, string>)[key] as string),
      )
    }
  })
})

test('the translations are translations: most strings differ from English', () => {
  for (const locale of ['es', 'fr', 'pt-br'] as const) {
    const same = KEYS.filter(
      (key) =>
        (MESSAGES[locale] as Record<string, string>)[key] ===
        (MESSAGES.en as Record<string, string>)[key],
    )
    // Words such as "Code" are the same in French; whole sentences never are.
    expect(same.length, `${locale}: ${same.join(', ')}`).toBeLessThan(5)
  }
})

test('a host override replaces one string of one locale, placeholders filled in', () => {
  const translate = createMessages({ fr: { 'code.intro': 'Code envoyé à {email}.' } })
  expect(translate('fr')('code.intro', { email: 'a@b.c' })).toBe('Code envoyé à a@b.c.')
  expect(translate('en')('code.intro', { email: 'a@b.c' })).toContain('If a@b.c can sign in')
})

test.each([
  [undefined, 'en'],
  ['fr-CA', 'fr'],
  ['pt-PT', 'pt-br'],
  ['PT-br', 'pt-br'],
  ['de, es;q=0.2, fr;q=0.1', 'es'],
  ['fr;q=0, es', 'es'],
  ['zh, ja', 'en'],
  ['en;q=0.1, es;q=0.9', 'es'],
  [`${'x-private, '.repeat(100)}fr`, 'en'],
])('pickLocale(%j) is %j', (header, locale) => {
  expect(pickLocale(header)).toBe(locale)
})
