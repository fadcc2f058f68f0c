// The pages' strings per locale: the locale an Accept-Language header asks for, host overrides checked at start-up, lookup with placeholders.
import { PAGE_LOCALES, type PageLocale } from '../../../kit/pages-options.js'
import { EN, type MessageKey } from './en.js'
import { ES } from './es.js'
import { FR } from './fr.js'
import { PT_BR } from './pt-br.js'

export type { MessageKey } from './en.js'

/** Every locale's table, as shipped. */
export const MESSAGES: Readonly<Record<PageLocale, Readonly<Record<MessageKey, string>>>> = {
  en: EN,
  es: ES,
  fr: FR,
  'pt-br': PT_BR,
}

/** Whether `key` names a string of the pages. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(EN, key)
}

/** The `{name}` placeholders of a string, sorted: a translation must keep the same ones. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string).sort()
}

/** Translates one page: `t('code.intro', { email })`. */
export type Translate = (key: MessageKey, values?: Record<string, string>) => string

/**
 * The tables with the host's overrides (`pages.messages`) merged in. An unknown key or a changed
 * set of placeholders throws at start-up, so a typo cannot silently show the default.
 */
export function createMessages(
  overrides: Partial<Record<PageLocale, Record<string, string>>>,
): (locale: PageLocale) => Translate {
  const tables = {} as Record<PageLocale, Record<MessageKey, string>>
  for (const locale of PAGE_LOCALES) {
    const table: Record<string, string> = { ...MESSAGES[locale] }
    for (const [key, text] of Object.entries(overrides[locale] ?? {})) {
      if (!Object.hasOwn(EN, key)) {
        throw new TypeError(`"pages.messages.${locale}.${key}" is not a string of the pages`)
      }
      if (placeholders(text).join() !== placeholders(EN[key as MessageKey]).join()) {
        throw new TypeError(
          `"pages.messages.${locale}.${key}" must keep the placeholders of the default: ${EN[key as MessageKey]}`,
        )
      }
      table[key] = text
    }
    tables[locale] = table as Record<MessageKey, string>
  }
  return (locale) => {
    const table = tables[locale]
    return (key, values = {}) =>
      table[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
        Object.hasOwn(values, name) ? (values[name] as string) : whole,
      )
  }
}

/** What `lang` says for a locale (BCP 47). */
export function langOf(locale: PageLocale): string {
  return locale === 'pt-br' ? 'pt-BR' : locale
}

/**
 * The locale an `Accept-Language` header prefers among ours: by q-value, then order; a region
 * falls back to its language (`fr-CA` → fr, `pt`/`pt-PT` → pt-br); `en` when none fits. A long
 * header is read only in part, so it cannot cost much.
 */
export function pickLocale(header: string | undefined): PageLocale {
  if (!header) return 'en'
  const wanted = header
    .slice(0, 512)
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';')
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find(Boolean)
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index }
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of wanted) {
    const language = tag.split('-')[0]
    if (language === 'pt') return 'pt-br'
    if (language === 'en' || language === 'es' || language === 'fr') return language
    if (tag === '*') return 'en'
  }
  return 'en'
}
