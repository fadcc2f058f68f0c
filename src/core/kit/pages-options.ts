// The `pages` option (drop-in sign-in pages): its shape, and its validation at start-up, value by value.
import { safeReturnTo } from './csrf.js'

/** The locales of the pages: those Stytch's emails support. */
export const PAGE_LOCALES = ['en', 'es', 'fr', 'pt-br'] as const
export type PageLocale = (typeof PAGE_LOCALES)[number]

/**
 * Colours, corner radius and font of the pages, emitted as CSS custom properties (`--sb-…`) into
 * a served stylesheet. Each value is checked against a strict pattern at start-up.
 */
export interface PagesTheme {
  /** Buttons and links, e.g. `'#3b5bdb'`. */
  primaryColor?: string | undefined
  /** Text on buttons. */
  primaryTextColor?: string | undefined
  /** The page behind the card. */
  backgroundColor?: string | undefined
  /** The card. */
  surfaceColor?: string | undefined
  textColor?: string | undefined
  /** Hints and secondary text. */
  mutedColor?: string | undefined
  /** Error messages and invalid fields. */
  errorColor?: string | undefined
  /** Corners of cards, fields and buttons, e.g. `'8px'`. */
  borderRadius?: string | undefined
  /** A font-family list, e.g. `'Inter, system-ui, sans-serif'`. */
  fontFamily?: string | undefined
}

/** What a `layout` receives besides the page's content. */
export interface PagesLayoutContext {
  /** The page title, already in the chosen locale. */
  title: string
  locale: PageLocale
  productName: string
}

/** Options of the drop-in pages (`pages: true` takes every default). */
export interface PagesOptions {
  /** Where a sign-in lands without a `return_to`. @default '/' */
  afterSignIn?: string | undefined
  /** Shown in titles and the header. @default 'Sign in' words only */
  productName?: string | undefined
  /** A logo above the card: an https: URL or a same-origin path. */
  logoUrl?: string | undefined
  theme?: PagesTheme | undefined
  /** A stylesheet of the host loaded after ours: an https: URL or a same-origin path. */
  stylesheetUrl?: string | undefined
  /** One locale for every page; by default chosen from `Accept-Language`. */
  locale?: PageLocale | undefined
  /** Strings to override, per locale: `{ en: { 'signIn.title': 'Welcome back' } }`. */
  messages?: Partial<Record<PageLocale, Record<string, string>>> | undefined
  /**
   * Wraps each page's content (HTML, already escaped) in the host's chrome; the answer is the
   * document's `<body>` content. Whatever the host adds it must escape itself.
   */
  layout?: ((content: string, context: PagesLayoutContext) => string) | undefined
  /**
   * A local server you started yourself (`startLocalServer()`), which `baseUrl` points at: the
   * code pages then link to the development mailbox, as with the embedded server. Refused unless
   * `baseUrl` is that server's URL, so it never shows with Stytch.
   */
  mailbox?: PagesMailboxSource | undefined
}

/** A code the local server "sent", as its outbox lists it. */
export interface MailboxMessage {
  to: string
  kind: string
  code: string
  sent_at: string
}

/** What `pages.mailbox` needs of a LocalServer: where it listens and what it "sent". */
export interface PagesMailboxSource {
  url: string
  outbox: { list(): readonly MailboxMessage[] }
}

/** The `pages` option after validation. */
export interface ResolvedPagesOptions {
  afterSignIn: string
  productName: string | undefined
  logoUrl: string | undefined
  /** CSS custom property name → value, in the theme's order; empty without a theme. */
  theme: ReadonlyArray<readonly [string, string]>
  stylesheetUrl: string | undefined
  locale: PageLocale | undefined
  messages: Partial<Record<PageLocale, Record<string, string>>>
  layout: PagesOptions['layout']
  /** The outbox of the local server given as `pages.mailbox`. */
  mailbox: (() => readonly MailboxMessage[]) | undefined
}

// A colour: #rgb…#rrggbbaa, a keyword, or rgb()/hsl() with numbers only. No `;`, `}`, `url(`,
// quotes or `<` can pass, so a value cannot leave its declaration.
const COLOR = /^(?:#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|(?:rgb|rgba|hsl|hsla)\([0-9.,%\s/]{1,60}\))$/
const LENGTH = /^\d{1,3}(?:\.\d{1,3})?(?:px|rem|em|%)?$/
const FONT_NAME = `(?:"[A-Za-z0-9 _-]{1,60}"|'[A-Za-z0-9 _-]{1,60}'|[A-Za-z0-9 _-]{1,60})`
const FONT_FAMILY = new RegExp(`^\\s*${FONT_NAME}(?:\\s*,\\s*${FONT_NAME}){0,9}\\s*$`)

/** A kind of theme value: its pattern, and what the error says it must be. */
type ThemeValue = readonly [pattern: RegExp, expected: string]
const COLOR_VALUE: ThemeValue = [COLOR, 'a colour such as #3b5bdb or rgb(59, 91, 219)']

const THEME: ReadonlyArray<readonly [keyof PagesTheme, string, ThemeValue]> = [
  ['primaryColor', '--sb-primary', COLOR_VALUE],
  ['primaryTextColor', '--sb-on-primary', COLOR_VALUE],
  ['backgroundColor', '--sb-background', COLOR_VALUE],
  ['surfaceColor', '--sb-surface', COLOR_VALUE],
  ['textColor', '--sb-text', COLOR_VALUE],
  ['mutedColor', '--sb-muted', COLOR_VALUE],
  ['errorColor', '--sb-error', COLOR_VALUE],
  ['borderRadius', '--sb-radius', [LENGTH, 'a length such as 8px']],
  ['fontFamily', '--sb-font', [FONT_FAMILY, 'a font-family list of names']],
]

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/

/** Validates `pages` once; `undefined` when the pages are off. Throws a TypeError naming the option. */
export function resolvePagesOptions(
  value: boolean | PagesOptions | undefined,
  baseUrl?: string,
): ResolvedPagesOptions | undefined {
  if (value === undefined || value === false) return undefined
  if (value !== true && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new TypeError('"pages" must be true, false or an object of page options')
  }
  const options: PagesOptions = value === true ? {} : value
  const known = new Set([
    'afterSignIn',
    'productName',
    'logoUrl',
    'theme',
    'stylesheetUrl',
    'locale',
    'messages',
    'layout',
    'mailbox',
  ])
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new TypeError(`"pages.${key}" is not an option of the pages`)
  }
  const afterSignIn = options.afterSignIn ?? '/'
  if (safeReturnTo(afterSignIn) !== afterSignIn) {
    throw new TypeError('"pages.afterSignIn" must be a same-origin path such as "/dashboard"')
  }
  const productName = options.productName
  if (
    productName !== undefined &&
    (typeof productName !== 'string' ||
      productName.trim() === '' ||
      productName.length > 100 ||
      CONTROL.test(productName))
  ) {
    throw new TypeError('"pages.productName" must be 1 to 100 printable characters')
  }
  if (options.locale !== undefined && !PAGE_LOCALES.includes(options.locale)) {
    throw new TypeError(`"pages.locale" must be one of ${PAGE_LOCALES.join(', ')}`)
  }
  if (options.layout !== undefined && typeof options.layout !== 'function') {
    throw new TypeError('"pages.layout" must be a function (content, context) => string')
  }
  return {
    afterSignIn,
    productName,
    logoUrl: resourceUrl(options.logoUrl, 'logoUrl'),
    theme: theme(options.theme),
    stylesheetUrl: resourceUrl(options.stylesheetUrl, 'stylesheetUrl'),
    locale: options.locale,
    messages: messages(options.messages),
    layout: options.layout,
    mailbox: mailbox(options.mailbox, baseUrl),
  }
}

/**
 * Codes sign anyone in: the mailbox is only for the local server the middleware talks to, so
 * passing one with Stytch's URL (or none, the embedded server having its own) fails at start-up.
 */
function mailbox(value: unknown, baseUrl: string | undefined): ResolvedPagesOptions['mailbox'] {
  if (value === undefined) return undefined
  const source = value as Partial<PagesMailboxSource> | null
  if (
    typeof source !== 'object' ||
    source === null ||
    typeof source.url !== 'string' ||
    typeof source.outbox?.list !== 'function'
  ) {
    throw new TypeError('"pages.mailbox" must be a local server (startLocalServer())')
  }
  if (baseUrl === undefined || originOf(baseUrl) !== originOf(source.url)) {
    throw new TypeError(
      '"pages.mailbox" must be the local server at "baseUrl" (with projectId and secret): never with Stytch',
    )
  }
  const outbox = source.outbox
  return () => outbox.list()
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

/** An https: URL, or a same-origin path: never `javascript:`, `data:` or plain http. */
function resourceUrl(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  const problem = `"pages.${name}" must be an https: URL or a same-origin path`
  if (typeof value !== 'string' || value.length > 2048 || CONTROL.test(value)) {
    throw new TypeError(problem)
  }
  if (value.startsWith('/')) {
    if (safeReturnTo(value) !== value) throw new TypeError(problem)
    return value
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(problem)
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') {
    throw new TypeError(problem)
  }
  return url.href
}

function theme(value: PagesTheme | undefined): ResolvedPagesOptions['theme'] {
  if (value === undefined) return []
  if (typeof value !== 'object' || value === null) {
    throw new TypeError('"pages.theme" must be an object of colours, borderRadius and fontFamily')
  }
  const known = new Set(THEME.map(([key]) => key as string))
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new TypeError(`"pages.theme.${key}" is not a theme option`)
  }
  const declarations: Array<readonly [string, string]> = []
  for (const [key, property, [pattern, expected]] of THEME) {
    const setting = value[key]
    if (setting === undefined) continue
    if (typeof setting !== 'string' || setting.length > 200 || !pattern.test(setting)) {
      throw new TypeError(`"pages.theme.${key}" must be ${expected}`)
    }
    declarations.push([property, setting.trim()])
  }
  return declarations
}

function messages(value: PagesOptions['messages']): ResolvedPagesOptions['messages'] {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null) {
    throw new TypeError('"pages.messages" must be an object of locales, e.g. { en: { … } }')
  }
  const result: ResolvedPagesOptions['messages'] = {}
  for (const [locale, table] of Object.entries(value)) {
    if (!(PAGE_LOCALES as readonly string[]).includes(locale)) {
      throw new TypeError(`"pages.messages.${locale}" is not a locale of the pages`)
    }
    if (typeof table !== 'object' || table === null) {
      throw new TypeError(`"pages.messages.${locale}" must be an object of strings`)
    }
    for (const [key, text] of Object.entries(table)) {
      if (typeof text !== 'string') {
        throw new TypeError(`"pages.messages.${locale}.${key}" must be a string`)
      }
    }
    result[locale as PageLocale] = { ...table }
  }
  return result
}
