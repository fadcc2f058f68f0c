// What every page shares: the document around its content, its security headers, the answers (page, 303), error summary, fields and notices.
import type { CoreRequest, CoreResponse } from '../../kit/http.js'
import type { FieldLimits } from '../../kit/input.js'
import type { PageLocale, ResolvedPagesOptions } from '../../kit/pages-options.js'
import type { SessionCheck } from '../../session/backend.js'
import type { StepName } from '../../step-table.js'
import type { StepResult } from '../step.js'
import type { FlowCookies, FlowError, FlowState } from './flow-cookie.js'
import { Html, html } from './html.js'
import { isMessageKey, langOf, type Translate } from './messages/index.js'
import type { ServedStylesheet } from './style.js'

/** Where each page lives under basePath. None is a path of the JSON steps (docs/routes.md). */
export const PAGE_PATHS = {
  signIn: '/sign-in',
  code: '/sign-in/code',
  organizations: '/sign-in/organizations',
  create: '/sign-in/organizations/new',
  mfa: '/sign-in/mfa',
  smsSend: '/sign-in/mfa/sms/send',
  sms: '/sign-in/mfa/sms',
  totpNew: '/sign-in/mfa/totp/new',
  totp: '/sign-in/mfa/totp',
  recovery: '/sign-in/mfa/recovery',
  switch: '/switch-organization',
  signOut: '/sign-out',
  mailbox: '/mailbox',
} as const

/** What the pages are built with, once. */
export interface PagesEnv {
  /** `basePath` with no trailing slash ('' for '/'). */
  base: string
  options: ResolvedPagesOptions
  styles: { main: ServedStylesheet; theme: ServedStylesheet | undefined }
  csp: string
  limits: FieldLimits
}

/** One request to a page, with what its handler needs. */
export interface PageCall {
  env: PagesEnv
  request: CoreRequest
  check: SessionCheck
  locale: PageLocale
  t: Translate
  /** The flow state the request carried; `flowBad`: one was there but could not be trusted. */
  flow: FlowState | undefined
  flowBad: boolean
  /** The posted form (empty for GET). */
  fields: Record<string, unknown>
  query: URLSearchParams
  /** Whether the development mailbox is there (embedded local server only). */
  mailbox: boolean
  flowCookies: FlowCookies
  /** Runs a step of the step table with these fields (validated by the step's own spec). */
  step(name: StepName, fields: Record<string, unknown>): Promise<StepResult>
}

/** The Content-Security-Policy of every page: no script at all, our stylesheets only. */
export function contentSecurityPolicy(options: ResolvedPagesOptions): string {
  const styleOrigin =
    options.stylesheetUrl?.startsWith('https:') === true
      ? ` ${new URL(options.stylesheetUrl).origin}`
      : ''
  return `default-src 'none'; style-src 'self'${styleOrigin}; img-src 'self' data: https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`
}

function pageHeaders(env: PagesEnv): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': env.csp,
    'x-content-type-options': 'nosniff',
    // The pages' URLs can hold return_to: never sent to another site, not even the logo's.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    vary: 'Accept-Language',
  }
}

/** The path of a page under basePath. */
export function pagePath(env: PagesEnv, page: keyof typeof PAGE_PATHS): string {
  return `${env.base}${PAGE_PATHS[page]}`
}

/** Set-Cookie for the flow: written for a state, cleared for `null`, left alone for `undefined`. */
function flowCookie(call: PageCall, flow: FlowState | null | undefined): string[] {
  if (flow === undefined) return []
  return [
    flow === null
      ? call.flowCookies.clear(call.request)
      : call.flowCookies.write(flow, call.request),
  ]
}

/** A whole page: the document, our stylesheets, the host's layout or ours, and the headers. */
export function pageAnswer(
  call: PageCall,
  title: string,
  content: Html,
  answer: { status?: number; flow?: FlowState | null; setCookies?: string[] } = {},
): CoreResponse {
  const { env, locale } = call
  const { options, styles } = env
  const productName = options.productName
  const fullTitle = productName === undefined ? title : `${title} · ${productName}`
  const body =
    options.layout === undefined
      ? html`<main class="sb-main">${options.logoUrl === undefined ? '' : html`<img class="sb-logo" src="${options.logoUrl}" alt="${productName ?? ''}">`}${productName !== undefined && options.logoUrl === undefined ? html`<p class="sb-product">${productName}</p>` : ''}<div class="sb-card">
${content}
</div></main>`
      : new Html(options.layout(content.value, { title, locale, productName: productName ?? '' }))
  const sheets = [styles.main.path, styles.theme?.path, options.stylesheetUrl].filter(
    (href): href is string => href !== undefined,
  )
  const document = html`<!doctype html>
<html lang="${langOf(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${fullTitle}</title>
${sheets.map((href) => html`<link rel="stylesheet" href="${href}">\n`)}</head>
<body>
${body}
</body>
</html>
`
  return {
    status: answer.status ?? 200,
    headers: pageHeaders(env),
    setCookies: [...(answer.setCookies ?? []), ...flowCookie(call, answer.flow)],
    body: {},
    text: document.value,
  }
}

/** POST-redirect-GET: 303 to a page (or return_to), with the flow for it. */
export function redirect(
  call: PageCall,
  location: string,
  answer: { flow?: FlowState | null; setCookies?: string[] } = {},
): CoreResponse {
  return {
    status: 303,
    headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    setCookies: [...(answer.setCookies ?? []), ...flowCookie(call, answer.flow)],
    body: {},
  }
}

/** The words for an error: the field's own words for invalid input, else the code's. */
export function errorMessage(t: Translate, error: FlowError): string {
  const fieldKey = `invalid.${error.field}`
  if (error.code === 'ERR_INVALID_INPUT' && isMessageKey(fieldKey)) return t(fieldKey)
  const key = `error.${error.code}`
  return isMessageKey(key) ? t(key) : t('error.unknown')
}

/** The error summary at the top of a form: announced (role=alert), linking to the field. */
export function errorSummary(t: Translate, error: FlowError | undefined): Html | undefined {
  if (error === undefined) return undefined
  const message = errorMessage(t, error)
  const text = error.field === undefined ? message : html`<a href="#${error.field}">${message}</a>`
  return html`<div class="sb-alert" role="alert" tabindex="-1"><h2>${t('common.errorSummary')}</h2><p>${text}</p></div>`
}

/** A notice (signed out, session expired, start again), announced politely. */
export function notice(text: string | undefined): Html | undefined {
  return text === undefined ? undefined : html`<p class="sb-notice" role="status">${text}</p>`
}

export interface FieldOptions {
  name: string
  label: string
  type?: 'email' | 'text' | 'tel'
  value?: string | undefined
  autocomplete?: string
  code?: boolean
  hint?: string | undefined
  required?: boolean
  /** The error of the last attempt, when it is about this field. */
  error?: FlowError | undefined
  t: Translate
  autofocus?: boolean
}

/** A labelled input; with an error: `aria-invalid`, the message next to it, focus on it. */
export function field(options: FieldOptions): Html {
  const { name, error, t } = options
  const invalid = error !== undefined && error.field === name
  const hintId = options.hint === undefined ? undefined : `${name}-hint`
  const errorId = invalid ? `${name}-error` : undefined
  const describedBy = [hintId, errorId].filter(Boolean).join(' ')
  const attributes = [
    options.required === false ? '' : ' required',
    options.autocomplete === undefined ? '' : html` autocomplete="${options.autocomplete}"`,
    options.code
      ? ' inputmode="numeric" pattern="[0-9]{6}" maxlength="6" class="sb-code" spellcheck="false"'
      : '',
    describedBy === '' ? '' : html` aria-describedby="${describedBy}"`,
    invalid ? ' aria-invalid="true"' : '',
    invalid || options.autofocus ? ' autofocus' : '',
  ].map((part) => (part instanceof Html ? part : new Html(part)))
  return html`<label for="${name}">${options.label}</label>
${hintId === undefined ? '' : html`<p class="sb-hint" id="${hintId}">${options.hint}</p>`}
${invalid ? html`<p class="sb-field-error" id="${errorId}">${errorMessage(t, error)}</p>` : ''}
<input id="${name}" name="${name}" type="${options.type ?? 'text'}" value="${options.value ?? ''}"${attributes}>`
}

/** A hidden input. */
export function hidden(name: string, value: string | undefined): Html | undefined {
  return value === undefined
    ? undefined
    : html`<input type="hidden" name="${name}" value="${value}">`
}

/** Offline only: where the codes that were not really sent can be read. */
export function mailboxHint(call: PageCall): Html | undefined {
  if (!call.mailbox) return undefined
  return html`<p class="sb-hint">${call.t('common.offline')} <a href="${pagePath(call.env, 'mailbox')}" target="_blank" rel="noopener">${call.t('common.mailboxLink')}</a></p>`
}
